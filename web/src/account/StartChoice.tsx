import { useTranslation } from 'react-i18next';
import './i18n.js';

/** The start page's two ways in: register (this page) or sign in with an existing Digital ID; and "lost your phone?". */
export function StartChoice() {
  const { t } = useTranslation();
  return (
    <>
      <nav className="start-choice" aria-label={t('account:start.choice')}>
        <span aria-current="page">{t('account:start.register')}</span>
        <a href={`/signin${location.search}`}>{t('account:start.signin')}</a>
      </nav>
      <p className="start-block">
        <a href={`/block${location.search}`}>{t('account:block.link')}</a>
      </p>
    </>
  );
}
