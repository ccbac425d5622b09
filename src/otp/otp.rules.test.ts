import { describe, expect, it } from 'vitest';
import { codeTiming, hashOtp, judgeAttempt, otpMatches, resendRetryAfter, sendRetryAfter, sendWindowStart } from './otp.rules.js';

const now = new Date('2026-12-01T12:00:00Z');
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const rules = { ttlSeconds: 300, resendCooldownSeconds: 60, maxAttempts: 5, sendLimitPerPhone: 3, sendLimitPerIp: 30, sendLimitWindowSeconds: 900 };

describe('code timing', () => {
  it('expires after 5 minutes, may be resent after 60 s, and counts sends over the last 15 minutes', () => {
    expect(codeTiming(now, rules)).toEqual({ expiresAt: at(300), resendAvailableAt: at(60) });
    expect(sendWindowStart(now, rules)).toEqual(at(-900));
  });

  it.each([
    ['no earlier code', undefined, null],
    ['cooldown over', { resendAvailableAt: at(-1) }, null],
    ['cooldown ending exactly now', { resendAvailableAt: now }, null],
    ['cooldown running: whole seconds left', { resendAvailableAt: at(41.2) }, 42],
    ['cooldown nearly over: at least a second', { resendAvailableAt: at(0.001) }, 1],
  ] as const)('resend: %s → %s', (_label, latest, retryAfter) => {
    expect(resendRetryAfter(latest, now)).toBe(retryAfter);
  });
});

describe('send limits', () => {
  const count = (n: number, oldestAgo: number | null = 100) => ({ count: n, oldest: oldestAgo === null ? null : at(-oldestAgo) });
  it.each([
    ['below both limits', count(2), count(29), null],
    ['the third code to the phone: until the oldest leaves the window', count(3), count(3), 800],
    ['the 30th from the address', count(0, null), count(30, 300), 600],
    ['both at their limit: the phone decides', count(3, 850), count(30, 100), 50],
  ] as const)('%s → %s', (_label, phone, ip, retryAfter) => {
    expect(sendRetryAfter({ phone, ip }, rules, now)).toBe(retryAfter);
  });
});

describe('judgeAttempt', () => {
  const code = (status: string, attempts = 0, expiresIn = 120) => ({ status, attempts, expiresAt: at(expiresIn) });
  it.each([
    ['no code', undefined, true, { ok: false, code: 'OTP_EXPIRED' }, null],
    ['a voided code (a newer one was sent)', code('voided'), true, { ok: false, code: 'OTP_EXPIRED' }, null],
    ['a code already used', code('used', 1), true, { ok: false, code: 'OTP_EXPIRED' }, null],
    ['an exhausted code, even typed right', code('exhausted', 5), true, { ok: false, code: 'OTP_ATTEMPTS_EXCEEDED' }, null],
    ['an expired code, even typed right', code('active', 0, -1), true, { ok: false, code: 'OTP_EXPIRED' }, null],
    ['a code expiring exactly now', code('active', 0, 0), true, { ok: false, code: 'OTP_EXPIRED' }, null],
    ['the right code', code('active', 2), true, { ok: true }, { attempts: 3, status: 'used' }],
    ['the right code on the last attempt', code('active', 4), true, { ok: true }, { attempts: 5, status: 'used' }],
    ['a wrong code', code('active'), false, { ok: false, code: 'OTP_INVALID', attemptsLeft: 4 }, { attempts: 1, status: 'active' }],
    ['the fifth wrong code exhausts it', code('active', 4), false, { ok: false, code: 'OTP_INVALID', attemptsLeft: 0 }, { attempts: 5, status: 'exhausted' }],
  ] as const)('%s', (_label, latest, matches, verification, record) => {
    expect(judgeAttempt(latest, matches, rules, now)).toEqual({ verification, record });
  });
});

describe('code hashing', () => {
  const secret = Buffer.alloc(32, 7);
  it('matches only the same code for the same registration', () => {
    const stored = hashOtp(secret, 'reg-1', '123456');
    expect(otpMatches(secret, 'reg-1', '123456', stored)).toBe(true);
    expect(otpMatches(secret, 'reg-1', '123457', stored)).toBe(false);
    expect(otpMatches(secret, 'reg-2', '123456', stored)).toBe(false);
  });
});
