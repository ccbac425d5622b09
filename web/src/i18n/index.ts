// i18next with the three catalogues bundled (they are small); the chosen language persists in localStorage,
// and in a cookie for the pages the server renders itself (the OpenID provider's logout and error pages).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.js';
import ru from './ru.js';
import kk from './kk.js';
import { LANGUAGE_COOKIE } from '../../../src/platform/language.js';

export const LANGUAGES = ['kk', 'ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { kk: 'Қазақша', ru: 'Русский', en: 'English' };

const STORAGE_KEY = 'digital-id.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function initialLanguage(): Language {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (isLanguage(fromUrl)) return fromUrl;
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    /* storage blocked: fall through */
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return 'ru';
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'ru';
}

export async function changeLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    /* storage blocked: the choice lasts for this page only */
  }
  await i18next.changeLanguage(language);
}

function rememberForServerPages(language: string): void {
  document.cookie = `${LANGUAGE_COOKIE}=${encodeURIComponent(language)}; path=/; max-age=31536000; samesite=lax${location.protocol === 'https:' ? '; secure' : ''}`;
}

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  rememberForServerPages(language);
});

void i18next.use(initReactI18next).init({
  // The resources are inline, so initialisation can finish before the first render.
  initAsync: false,
  resources: { en: { translation: en }, ru: { translation: ru }, kk: { translation: kk } },
  lng: initialLanguage(),
  fallbackLng: 'ru',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = currentLanguage();
rememberForServerPages(currentLanguage());

export default i18next;
