import { describe, expect, it } from 'vitest';
import { assuranceMeets, describeBrowser, effectiveAssurance, highAssuranceUntil, signinIdFor, type Assurance } from './session.rules.js';

const t0 = new Date('2026-12-01T08:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('how a session is shown', () => {
  it.each([
    ['Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari', 'iOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 'Edge', 'Windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox', 'macOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 YaBrowser/24.12.0.0 Safari/537.36', 'Yandex Browser', 'Windows'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', 'Chrome', 'Linux'],
    ['curl/8.5.0', null, null],
    [null, null, null],
  ])('%s → %s on %s', (ua, name, os) => {
    expect(describeBrowser(ua)).toEqual({ name, os });
  });
});

describe('effective assurance', () => {
  const until = highAssuranceUntil(t0);
  it('a step-up holds a session at high for 15 minutes', () => {
    expect(until).toEqual(at(15 * 60));
  });

  it.each([
    ['code, never stepped up', 'low', null, at(0), 'low', null],
    ['passkey, never stepped up', 'substantial', null, at(0), 'substantial', null],
    ['code, just stepped up', 'low', until, at(0), 'high', until],
    ['code, 14:59 after the step-up', 'low', until, at(899), 'high', until],
    ['code, 15:00 after the step-up', 'low', until, at(900), 'low', null],
    ['passkey, 15:00 after the step-up', 'substantial', until, at(900), 'substantial', null],
    ['passkey, an hour after the step-up', 'substantial', until, at(3600), 'substantial', null],
  ] as const)('%s → %s', (_name, baseAssurance, highAssuranceUntil, now, assurance, highUntil) => {
    expect(effectiveAssurance({ baseAssurance, highAssuranceUntil }, now)).toEqual({ assurance, highUntil });
  });

  it.each([
    ['low', 'low', true],
    ['low', 'substantial', false],
    ['low', 'high', false],
    ['substantial', 'substantial', true],
    ['substantial', 'high', false],
    ['high', 'high', true],
    ['high', 'low', true],
  ] as Array<[Assurance, Assurance, boolean]>)('%s meets %s: %s', (actual, required, meets) => {
    expect(assuranceMeets(actual, required)).toBe(meets);
  });
});

describe('a sign-in id derived from its handle', () => {
  const secret = Buffer.alloc(32, 7);
  it('is a version-8 UUID, the same for the same handle and secret', () => {
    const id = signinIdFor(secret, 'h'.repeat(43));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(signinIdFor(secret, 'h'.repeat(43))).toBe(id);
  });
  it('differs for another handle or another secret', () => {
    const id = signinIdFor(secret, 'h'.repeat(43));
    expect(signinIdFor(secret, 'i'.repeat(43))).not.toBe(id);
    expect(signinIdFor(Buffer.alloc(32, 8), 'h'.repeat(43))).not.toBe(id);
  });
});
