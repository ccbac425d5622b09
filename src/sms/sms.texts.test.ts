import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../platform/config.js';
import { AppError } from '../platform/errors/app-error.js';
import { LIMITS, segmentCount, splitSms } from './sms.encoding.rules.js';
import { placeholderNames } from '../platform/i18n.js';
import type { OutgoingSms } from './sms.outbound.js';
import { redactCodes, renderSms, SMS_PURPOSES, SMS_TEXTS } from './sms.texts.js';

const PARAMS = { code: '123456', minutes: '5', reason: 'фото не совпало', url: 'https://id.example.kz', phone: '+7701***4567' };

describe('SMS texts', () => {
  it.each(SMS_PURPOSES.flatMap((purpose) => LANGUAGES.map((language) => [purpose, language] as const)))('has a %s text in %s that renders every placeholder', (purpose, language) => {
    const text = renderSms(purpose, language, PARAMS);
    expect(text).toMatch(/^Digital ID: /);
    expect(text).not.toMatch(/[{}]/);
  });

  it.each(SMS_PURPOSES)('names the same placeholders in the kk, ru and en %s texts', (purpose) => {
    const { kk, ru, en } = SMS_TEXTS[purpose];
    expect(placeholderNames(kk)).toEqual(placeholderNames(en));
    expect(placeholderNames(ru)).toEqual(placeholderNames(en));
  });

  it('the compiler asks each purpose for exactly its params (checked by npm run typecheck)', () => {
    const base = { phone: '+77011234567', language: 'ru' } as const;
    const messages: OutgoingSms[] = [
      { ...base, purpose: 'otp', params: { code: '123456' } },
      { ...base, purpose: 'bmg_updated', params: {} },
      // @ts-expect-error an OTP text needs its code
      { ...base, purpose: 'otp', params: {} },
      // @ts-expect-error a rejection needs its reason
      { ...base, purpose: 'moderation_rejected', params: { code: '1' } },
      // @ts-expect-error a text without placeholders takes no params
      { ...base, purpose: 'video_check_passed', params: { reason: 'x' } },
      // @ts-expect-error a purpose that has no text
      { ...base, purpose: 'welcome', params: {} },
    ];
    expect(messages).toHaveLength(6);
  });

  it('writes each language in its own script: Kazakh letters in kk, Cyrillic in ru, Latin only in en', () => {
    for (const purpose of SMS_PURPOSES) {
      expect(SMS_TEXTS[purpose].en).toMatch(/^[\x20-\x7e{}]+$/);
      expect(SMS_TEXTS[purpose].ru).toMatch(/[а-яё]/i);
      expect(SMS_TEXTS[purpose].kk).toMatch(/[а-яё]/i);
    }
    expect(SMS_PURPOSES.some((p) => /[әғқңөұүһі]/i.test(SMS_TEXTS[p].kk))).toBe(true);
  });

  it.each(LANGUAGES.flatMap((language) => (['otp', 'signin_code', 'phone_change_code'] as const).map((purpose) => [language, purpose] as const)))('fits the %s %s into one SMS even with a 60-minute validity', (language, purpose) => {
    const text = renderSms(purpose, language, { code: '123456', minutes: '60' });
    expect(text).toContain('123456');
    expect(segmentCount(text)).toBe(1);
    if (language !== 'en') expect(text.length).toBeLessThanOrEqual(LIMITS.ucs2.single);
  });

  it('renders the English OTP in the GSM alphabet and the Kazakh and Russian ones in UCS2', () => {
    expect(splitSms(renderSms('otp', 'en', PARAMS)).encoding).toBe('gsm7');
    expect(splitSms(renderSms('otp', 'kk', PARAMS)).encoding).toBe('ucs2');
    expect(splitSms(renderSms('otp', 'ru', PARAMS)).encoding).toBe('ucs2');
  });

  it('refuses to render a text whose placeholder is missing', () => {
    expect(() => renderSms('otp', 'ru', { minutes: '5' })).toThrow(AppError);
  });

  it('flattens control characters and caps a long parameter so it cannot inflate the SMS', () => {
    const text = renderSms('moderation_rejected', 'en', { reason: `a\nb\u0007c ${'x'.repeat(500)}` });
    expect(text).toContain('a b c');
    expect(text).not.toMatch(/[\u0000-\u001f]/);
    expect(text.length).toBeLessThan(250);
  });

  it('stars out codes but keeps short numbers such as the validity in minutes', () => {
    expect(redactCodes('Digital ID: код 482913. Действует 5 мин.')).toBe('Digital ID: код ******. Действует 5 мин.');
  });

  // The block page and the profile say where a Digital ID is unblocked (web/src/account/texts.ts):
  // a Public Service Centre — CON, ЦОН, ХҚКО — never "support".
  it.each([
    ['en', 'Public Service Centre (CON)', /support/i],
    ['ru', 'ЦОН', /поддерж/i],
    ['kk', 'ХҚКО', /қолдау/i],
  ] as const)('names the service centre, not support, in the %s block texts', (language, place, support) => {
    for (const purpose of ['digital_id_blocked', 'signin_blocked'] as const) {
      expect(SMS_TEXTS[purpose][language]).toContain(place);
      expect(SMS_TEXTS[purpose][language]).not.toMatch(support);
    }
  });
});
