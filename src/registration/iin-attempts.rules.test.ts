import { describe, expect, it } from 'vitest';
import { iinAttemptsLeft, refuseIinAttempt } from './iin-attempts.rules.js';

const now = new Date('2026-12-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const limits = { perRegistration: 5, perPhonePerDay: 10, perIpPerDay: 200 };
const none = { count: 0, oldest: null };

describe('refuseIinAttempt', () => {
  it.each([
    ['a first lookup', { registration: 0, phone: none, ip: none }, null],
    ['the fifth lookup of a registration', { registration: 4, phone: { count: 4, oldest: hoursAgo(1) }, ip: none }, null],
    ['a sixth lookup ends the registration', { registration: 5, phone: { count: 5, oldest: hoursAgo(1) }, ip: none }, { code: 'IIN_ATTEMPTS_EXCEEDED' }],
    ['the phone’s daily budget used up: back when its oldest lookup is a day old', { registration: 0, phone: { count: 10, oldest: hoursAgo(20) }, ip: none }, { code: 'IIN_ATTEMPT_LIMIT', retryAfter: 4 * 3600 }],
    ['the IP’s daily budget used up', { registration: 1, phone: { count: 1, oldest: hoursAgo(1) }, ip: { count: 200, oldest: hoursAgo(23) } }, { code: 'IIN_ATTEMPT_LIMIT', retryAfter: 3600 }],
    ['the registration’s limit is told before the daily ones', { registration: 5, phone: { count: 10, oldest: hoursAgo(1) }, ip: none }, { code: 'IIN_ATTEMPTS_EXCEEDED' }],
  ] as const)('%s', (_label, used, refusal) => {
    expect(refuseIinAttempt(used, limits, now)).toEqual(refusal);
  });
});

describe('iinAttemptsLeft', () => {
  it.each([
    [0, 5],
    [1, 4],
    [5, 0],
    [7, 0],
  ])('after %i failed lookups %i are left', (used, left) => {
    expect(iinAttemptsLeft(used, limits)).toBe(left);
  });
});
