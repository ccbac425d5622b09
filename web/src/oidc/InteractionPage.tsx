// A service waits while the citizen signs in and answers (oidc-provider sends the browser to
// /signin?interaction={uid} or /consent/{uid}). Sign-in (code or passkey) if there is no session, the
// face step-up if the service asks for assurance high, then consent, then back to the service.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';
import { StepHeading } from '../components/StepHeading.js';
import { accountApi } from '../account/accountApi.js';
import { describeAccountError } from '../account/errors.js';
import { SigninPage } from '../account/SigninPage.js';
import { StepUpFlow } from '../account/StepUpFlow.js';
import './i18n.js';
import { oidcApi, type InteractionView } from './oidcApi.js';
import { ScopeList } from './ScopeList.js';
import './oidc.css';

const HIGH = 'urn:did:acr:high';

type State = { name: 'loading' } | { name: 'signin'; notice: string | null } | { name: 'stepUp' } | { name: 'stepUpCheck' } | { name: 'consent' } | { name: 'leaving' } | { name: 'failed'; message: string };

function ServiceLogo({ view }: { view: InteractionView }) {
  const { t } = useTranslation('oidc');
  const [broken, setBroken] = useState(false);
  const name = view.client.name;
  if (view.client.logoUri && !broken) {
    return <img className="service-logo" src={view.client.logoUri} alt={t('consent.logo', { client: name })} width={56} height={56} referrerPolicy="no-referrer" onError={() => setBroken(true)} />;
  }
  // No logo (or it did not load): the service's initial, never an empty frame.
  return (
    <span className="service-logo service-initial" aria-hidden="true">
      {name.trim().charAt(0).toUpperCase()}
    </span>
  );
}

export function InteractionPage({ uid }: { uid: string }) {
  const { t } = useTranslation();
  const [view, setView] = useState<InteractionView | null>(null);
  const [state, setState] = useState<State>({ name: 'loading' });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const client = view?.client.name ?? '';

  const leave = (redirectTo: string) => {
    setState({ name: 'leaving' });
    location.assign(redirectTo);
  };

  /** Where the interaction stands for this browser's session: sign-in, step-up, consent, or back to the service. */
  const proceed = useCallback(async () => {
    setError(null);
    let details: InteractionView;
    try {
      details = await oidcApi.interaction(uid);
    } catch (err) {
      return setState({ name: 'failed', message: describeAccountError(t, err) });
    }
    setView(details);
    setChosen(new Set(details.optionalScopes));
    let assurance: string;
    try {
      assurance = (await accountApi.me()).assurance;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SESSION_REQUIRED') return setState({ name: 'signin', notice: null });
      return setState({ name: 'failed', message: describeAccountError(t, err) });
    }
    if (details.acrRequired === HIGH && assurance !== 'high') return setState({ name: 'stepUp' });
    if (details.prompt.name === 'consent') return setState({ name: 'consent' });
    try {
      leave((await oidcApi.login(uid)).redirectTo);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'STEP_UP_REQUIRED' && err.details.required === 'high') return setState({ name: 'stepUp' });
      // A fresh sign-in (prompt=login, max_age) or a stronger one (a passkey for substantial).
      if (err instanceof ApiError && (err.code === 'REAUTHENTICATION_REQUIRED' || err.code === 'STEP_UP_REQUIRED')) return setState({ name: 'signin', notice: describeAccountError(t, err) });
      setState({ name: 'failed', message: describeAccountError(t, err) });
    }
  }, [uid, t]);

  useEffect(() => {
    void proceed();
  }, [proceed]);
  useEffect(() => {
    if (state.name === 'consent') document.title = `${t('oidc:titles.consent')} · ${t('app.name')}`;
    else if (state.name !== 'signin') document.title = `${t('oidc:titles.continue')} · ${t('app.name')}`;
  }, [state.name, t]);

  const answer = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const scopes = view!.scopes.filter((s) => !view!.optionalScopes.includes(s) || chosen.has(s));
      leave((await oidcApi.consent(uid, approve ? { approve, scopes } : { approve })).redirectTo);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SESSION_REQUIRED') {
        setBusy(false);
        return setState({ name: 'signin', notice: describeAccountError(t, err) });
      }
      setError(describeAccountError(t, err));
      setBusy(false);
    }
  };

  switch (state.name) {
    case 'loading':
      return <p role="status">{t('common.sending')}</p>;
    case 'leaving':
      return <p role="status">{t('oidc:continue.working', { client })}</p>;
    case 'failed':
      return (
        <>
          <StepHeading>{t('oidc:titles.continue')}</StepHeading>
          <p className="error" role="alert">
            {state.message}
          </p>
        </>
      );
    case 'signin':
      return (
        <>
          <div className="service-banner">
            <ServiceLogo view={view!} />
            <p>{t('oidc:continue.to', { client })}</p>
          </div>
          <SigninPage notice={state.notice} onSignedIn={() => void proceed()} onBlock={() => location.assign('/block')} />
        </>
      );
    case 'stepUp':
      return (
        <div className="consent">
          <div className="service-banner">
            <ServiceLogo view={view!} />
            <p>{client}</p>
          </div>
          <StepHeading>{t('oidc:stepUp.title')}</StepHeading>
          <p>{t('oidc:stepUp.text', { client })}</p>
          <button type="button" className="primary" onClick={() => setState({ name: 'stepUpCheck' })}>
            {t('oidc:stepUp.start')}
          </button>
        </div>
      );
    case 'stepUpCheck':
      // The profile's "Confirm with your face"; a pass raises this sign-in to high, and the service's request goes on.
      return <StepUpFlow onPassed={() => void proceed()} onCancel={() => setState({ name: 'stepUp' })} onSignedOut={(notice) => setState({ name: 'signin', notice })} />;
    case 'consent': {
      const v = view!;
      return (
        <div className="consent">
          <div className="service-banner">
            <ServiceLogo view={v} />
            <p className="service-name">{client}</p>
          </div>
          <StepHeading>{t('oidc:consent.title', { client })}</StepHeading>
          <p>{t('oidc:consent.intro')}</p>
          <ScopeList scopes={v.scopes} optional={v.optionalScopes} chosen={chosen} disabled={busy} onToggle={(scope, on) => setChosen((old) => {
            const next = new Set(old);
            if (on) next.add(scope);
            else next.delete(scope);
            return next;
          })} />
          {v.optionalScopes.length > 0 && <p className="hint">{t('oidc:consent.optionalHint')}</p>}
          {v.client.policyUri && (
            <p>
              <a href={v.client.policyUri} target="_blank" rel="noopener noreferrer">
                {t('oidc:consent.policy', { client })}
                <span className="visually-hidden"> {t('oidc:consent.opensNewTab')}</span>
              </a>
            </p>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="account-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void answer(true)}>
              {busy ? t('oidc:consent.working') : t('oidc:consent.allow')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void answer(false)}>
              {t('oidc:consent.deny')}
            </button>
          </div>
          <p className="hint consent-revoke">{t('oidc:consent.revokeLater')}</p>
        </div>
      );
    }
  }
}
