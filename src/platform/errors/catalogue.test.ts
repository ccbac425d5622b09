import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { placeholderNames as placeholders } from '../i18n.js';
import { errorCatalogue, errorMessage, errorStatus, type ErrorCode } from './catalogue.js';

const codes = Object.keys(errorCatalogue) as ErrorCode[];

describe('error catalogue', () => {
  it.each(codes)('%s has a 4xx/5xx status and a kk/ru/en message with the same placeholders', (code) => {
    const def = errorCatalogue[code];
    expect(def.status).toBeGreaterThanOrEqual(400);
    expect(def.status).toBeLessThan(600);
    const { kk, ru, en } = def.message;
    for (const text of [kk, ru, en]) expect(text.trim().length).toBeGreaterThan(0);
    expect(placeholders(kk)).toEqual(placeholders(en));
    expect(placeholders(ru)).toEqual(placeholders(en));
  });

  it('codes are upper snake case, so they read the same in every client', () => {
    for (const code of codes) expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('fills placeholders from the details and leaves unknown ones visible', () => {
    expect(errorMessage('OTP_RESEND_TOO_EARLY', 'en', { retryAfter: 42 })).toBe('You can request a new code in 42 s.');
    expect(errorMessage('OTP_RESEND_TOO_EARLY', 'ru')).toContain('{retryAfter}');
    expect(errorStatus('IIN_CHECKSUM')).toBe(422);
  });

  it('an AppError carries its code, typed details and headers', () => {
    const err = new AppError('LOCKED', { lockedUntil: '2026-01-01T00:00:00.000Z', attemptsLeft: 0 }, { 'retry-after': '60' });
    expect(err).toMatchObject({ name: 'AppError', code: 'LOCKED', details: { attemptsLeft: 0 }, headers: { 'retry-after': '60' } });
    expect(new AppError('NOT_FOUND').details).toBeUndefined();
  });

  it('the compiler refuses a misspelt code and details of the wrong shape (checked by npm run typecheck)', () => {
    const build = [
      // @ts-expect-error a code that is not in the catalogue
      () => new AppError('IIN_CHEKSUM'),
      // @ts-expect-error LOCKED declares its details: they are required
      () => new AppError('LOCKED'),
      // @ts-expect-error retryAfter is a number
      () => new AppError('OTP_SEND_LIMIT', { retryAfter: '60' }),
      // @ts-expect-error a code without details takes none
      () => new AppError('IIN_CHECKSUM', { reason: 'x' }),
    ];
    expect(build).toHaveLength(4);
  });
});
