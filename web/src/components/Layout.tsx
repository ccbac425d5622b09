import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../i18n/index.js';
import { LanguageSwitcher } from './LanguageSwitcher.js';

/** The server's support address for the page's language (SUPPORT_URL_KK/_RU/_EN, else SUPPORT_URL). */
function supportUrl(): string {
  const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content;
  return meta(`support-url-${currentLanguage()}`) || meta('support-url') || 'https://egov.kz/cms/en/support';
}

export function Layout({ step, total, children, aside, tagline }: { step: number | null; total: number; children: ReactNode; aside?: ReactNode; tagline?: string }) {
  const { t } = useTranslation();
  return (
    <div className={aside ? 'page with-aside' : 'page'}>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="header">
        <div className="brand">
          <svg className="brand-logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <ellipse cx="16" cy="14" rx="6" ry="7.5" fill="none" stroke="#fff" strokeWidth="2.5" />
            <path d="M7 28c2-5 5.5-7 9-7s7 2 9 7" fill="none" stroke="#fff" strokeWidth="2.5" />
          </svg>
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{tagline ?? t('app.tagline')}</span>
        </div>
        <LanguageSwitcher />
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {step !== null && (
          <p className="step-count">
            {t('app.step', { n: step, total })}
            <span className="step-bar" aria-hidden="true">
              <span style={{ width: `${(step / total) * 100}%` }} />
            </span>
          </p>
        )}
        {children}
      </main>
      <footer className="footer">
        <a href={supportUrl()} target="_blank" rel="noopener noreferrer">
          {t('support.link')}
          <span className="visually-hidden"> {t('support.opensNewTab')}</span>
        </a>
      </footer>
      {aside}
    </div>
  );
}
