// User-facing error text has one source, the server's catalogue: the web app's `errors` texts are the
// catalogue's (in i18next's {{placeholder}} form) and add only what never reaches the server.
import { describe, expect, it } from 'vitest';
import { errorCatalogue, type ErrorCode } from '../../src/platform/errors/catalogue.js';
import { LANGUAGES } from '../../src/platform/language.js';
import en from '../../web/src/i18n/en.js';
import ru from '../../web/src/i18n/ru.js';
import kk from '../../web/src/i18n/kk.js';
import { STAFF_TEXTS } from '../../web/src/staff/texts.js';

const WEB = { en, ru, kk };
const CLIENT_ONLY = ['NETWORK'];

describe('error texts', () => {
  it.each(LANGUAGES)('the %s web catalogue shows the server catalogue’s text for every code', (language) => {
    const web = WEB[language].errors as Record<string, string>;
    for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
      expect(web[code], code).toBe(errorCatalogue[code].message[language].replace(/\{(\w+)\}/g, '{{$1}}'));
    }
  });

  it.each(LANGUAGES)('the %s web catalogue has no error text of its own but for failures that never reach the server', (language) => {
    const own = Object.keys(WEB[language].errors).filter((code) => !(code in errorCatalogue));
    expect(own).toEqual(CLIENT_ONLY);
  });

  it('the staff console has no error texts of its own', () => {
    for (const texts of Object.values(STAFF_TEXTS)) expect(texts).not.toHaveProperty('errors');
  });
});
