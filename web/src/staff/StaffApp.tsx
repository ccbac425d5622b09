// The staff console at /staff: sign-in (password + TOTP), then the moderation queue for moderators,
// the BMG-update requests for operators, the blocked Digital IDs (unblock) and the audit log for administrators.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '../components/LanguageSwitcher.js';
import { apiErrorText } from '../format.js';
import { staffApi, StaffApiError, type StaffMe } from './staffApi.js';
import { LoginPage, PasswordPage } from './LoginPage.js';
import { CaseQueue, CaseView } from './CasesPage.js';
import { TicketQueue, TicketView } from './TicketsPage.js';
import { AuditPage } from './AuditPage.js';
import { DigitalIdsPage } from './DigitalIdsPage.js';
import { ClientsPage } from './ClientsPage.js';
import { STAFF_NS } from './i18n.js';
import './staff.css';

export function navigate(path: string): void {
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return path;
}

/** Turns an API error into text; a lost session sends the user back to the sign-in form. */
export type OnError = (error: unknown) => string;

export default function StaffApp() {
  const { t } = useTranslation(STAFF_NS);
  const path = usePath();
  const [me, setMe] = useState<StaffMe | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    document.title = t('title');
    staffApi
      .me()
      .then(setMe)
      .catch(() => setMe(null));
  }, [t]);

  const onError: OnError = useCallback(
    (error) => {
      if (error instanceof StaffApiError) {
        if (error.code === 'STAFF_SESSION_EXPIRED' || error.code === 'STAFF_UNAUTHENTICATED') {
          setNotice(apiErrorText(error.code, error.details, error.serverMessage));
          setMe(null);
        }
        return apiErrorText(error.code, error.details, error.serverMessage);
      }
      return String(error);
    },
    [t],
  );

  let content;
  if (me === undefined) content = <p role="status">{t('common.loading')}</p>;
  else if (me === null)
    content = (
      <LoginPage
        notice={notice}
        onSignedIn={(next) => {
          setNotice(null);
          setMe(next);
        }}
      />
    );
  else if (me.staff.passwordChangeRequired) content = <PasswordPage onError={onError} onChanged={setMe} />;
  else {
    const role = me.staff.role;
    const caseMatch = /^\/staff\/cases\/([0-9a-f-]{36})$/.exec(path);
    const ticketMatch = /^\/staff\/tickets\/([0-9a-f-]{36})$/.exec(path);
    if (role === 'moderator') content = caseMatch ? <CaseView id={caseMatch[1]} me={me} onError={onError} /> : <CaseQueue onError={onError} />;
    else if (role === 'operator') content = ticketMatch ? <TicketView id={ticketMatch[1]} me={me} onError={onError} /> : <TicketQueue onError={onError} />;
    else content = path.startsWith('/staff/audit') ? <AuditPage onError={onError} /> : path.startsWith('/staff/clients') ? <ClientsPage onError={onError} /> : <DigitalIdsPage onError={onError} />;
  }

  const logout = async () => {
    try {
      await staffApi.logout();
    } finally {
      setMe(null);
      navigate('/staff');
    }
  };

  return (
    <div className="page staff-page">
      <header className="header">
        <div className="brand">
          <span className="brand-name">{t('title')}</span>
        </div>
        {me && !me.staff.passwordChangeRequired && (
          <nav className="staff-nav" aria-label={t('title')}>
            {me.staff.role === 'moderator' && (
              <a href="/staff/cases" onClick={(e) => (e.preventDefault(), navigate('/staff/cases'))}>
                {t('nav.cases')}
              </a>
            )}
            {me.staff.role === 'operator' && (
              <a href="/staff/tickets" onClick={(e) => (e.preventDefault(), navigate('/staff/tickets'))}>
                {t('nav.tickets')}
              </a>
            )}
            {me.staff.role === 'admin' && (
              <>
                <a href="/staff/digital-ids" onClick={(e) => (e.preventDefault(), navigate('/staff/digital-ids'))}>
                  {t('nav.digitalIds')}
                </a>
                <a href="/staff/clients" onClick={(e) => (e.preventDefault(), navigate('/staff/clients'))}>
                  {t('nav.clients')}
                </a>
                <a href="/staff/audit" onClick={(e) => (e.preventDefault(), navigate('/staff/audit'))}>
                  {t('nav.audit')}
                </a>
              </>
            )}
          </nav>
        )}
        <div className="staff-user">
          {me && <span>{t('nav.signedInAs', { login: me.staff.login, role: t(`roles.${me.staff.role}`) })}</span>}
          {me && (
            <button type="button" className="secondary" onClick={() => void logout()}>
              {t('nav.logout')}
            </button>
          )}
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" className="main staff-main" tabIndex={-1}>
        {content}
      </main>
    </div>
  );
}
