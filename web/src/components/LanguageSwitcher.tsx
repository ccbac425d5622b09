import { useTranslation } from 'react-i18next';
import { changeLanguage, currentLanguage, LANGUAGES, LANGUAGE_NAMES } from '../i18n/index.js';

const SHORT: Record<string, string> = { kk: 'Қаз', ru: 'Рус', en: 'Eng' };

export function LanguageSwitcher() {
  const { t } = useTranslation();
  const active = currentLanguage();
  return (
    <nav className="languages" aria-label={t('lang.label')}>
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className="language"
          aria-pressed={language === active}
          title={LANGUAGE_NAMES[language]}
          onClick={() => void changeLanguage(language)}
        >
          {SHORT[language]}
        </button>
      ))}
    </nav>
  );
}
