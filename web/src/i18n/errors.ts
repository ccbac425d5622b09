// Error texts have one source: the server's catalogue (src/*/*.errors.ts, gathered in
// src/platform/errors/catalogue.ts). The web app bundles it, so the wizard and the staff console show the
// text the server sends as `message` for the same code, and a check made in the browser first (IIN, phone)
// shows the text the server would. Only failures that never reach the server have texts of their own here.
import { errorCatalogue, type ErrorCode } from '../../../src/platform/errors/catalogue.js';
import type { Language } from '../../../src/platform/language.js';

/** The catalogue's texts in one language, its {placeholders} written as i18next's {{placeholders}}. */
export function catalogueErrorTexts(language: Language): Record<ErrorCode, string> {
  const texts = {} as Record<ErrorCode, string>;
  for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
    texts[code] = errorCatalogue[code].message[language].replace(/\{(\w+)\}/g, '{{$1}}');
  }
  return texts;
}
