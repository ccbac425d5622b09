import { describe, expect, it } from 'vitest';
import { afterLoginFailure, isAcceptablePassword, isValidLogin, retryAfterSeconds, roleAllows, type LoginThrottle, type StaffPermission, type StaffRole } from './staff.rules.js';
import { isClaimActive, mayWorkOn, CLAIM_TTL_SECONDS } from './claim.rules.js';

const now = new Date('2026-11-25T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe('staff roles', () => {
  const table: Array<[StaffRole, StaffPermission, boolean]> = [
    ['moderator', 'moderation', true],
    ['moderator', 'tickets', false],
    ['moderator', 'audit', false],
    ['operator', 'tickets', true],
    ['operator', 'moderation', false],
    ['operator', 'audit', false],
    ['admin', 'audit', true],
    ['admin', 'moderation', false],
    ['admin', 'tickets', false],
  ];
  it.each(table)('%s may use %s: %s', (role, permission, allowed) => {
    expect(roleAllows(role, permission)).toBe(allowed);
  });
});

describe('sign-in back-off', () => {
  const policy = { freeFailures: 3, baseSeconds: 30, maxSeconds: 900 };
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const failTimes = (n: number, start: LoginThrottle | null = null, when = now) => {
    let t = start;
    for (let i = 0; i < n; i++) t = afterLoginFailure(t, when, policy);
    return t!;
  };

  it('lets the free failures pass, then blocks for 30 s, 60 s, 120 s … up to the cap', () => {
    expect(failTimes(2)).toEqual({ failures: 2, lastFailureAt: now, blockedUntil: null });
    expect(failTimes(3).blockedUntil).toEqual(at(30));
    expect(failTimes(4).blockedUntil).toEqual(at(60));
    expect(failTimes(5).blockedUntil).toEqual(at(120));
    expect(failTimes(20).blockedUntil).toEqual(at(900));
  });

  it('forgets failures after a quiet spell of four maximum blocks', () => {
    const old = failTimes(10);
    expect(afterLoginFailure(old, at(4 * 900 - 1), policy).failures).toBe(11);
    expect(afterLoginFailure(old, at(4 * 900), policy)).toEqual({ failures: 1, lastFailureAt: at(3600), blockedUntil: null });
  });

  it('never shortens a block that is running', () => {
    const long = { failures: 1, lastFailureAt: now, blockedUntil: at(600) };
    expect(afterLoginFailure(long, now, policy).blockedUntil).toEqual(at(600));
  });

  it.each([
    [null, 0],
    [{ failures: 9, lastFailureAt: now, blockedUntil: null }, 0],
    [{ failures: 9, lastFailureAt: now, blockedUntil: new Date(now.getTime() + 1500) }, 2],
    [{ failures: 9, lastFailureAt: now, blockedUntil: new Date(now.getTime() - 1) }, 0],
  ])('a bucket %j accepts again in %i s', (throttle, seconds) => {
    expect(retryAfterSeconds(throttle, now)).toBe(seconds);
  });
});

describe('passwords and logins', () => {
  it.each([
    ['correct horse battery', true],
    ['short', false],
    ['twelve chars', true],
    [' padded with space', false],
  ])('password %j acceptable: %s', (password, ok) => {
    expect(isAcceptablePassword(password)).toBe(ok);
  });
  it.each([
    ['aigerim.s', true],
    ['op_1', true],
    ['A.upper', false],
    ['1starts-with-digit', false],
    ['x', false],
  ])('login %j valid: %s', (login, ok) => {
    expect(isValidLogin(login)).toBe(ok);
  });
});

describe('claims', () => {
  it('protects an item for the claim period, for its holder only', () => {
    const claim = { claimedBy: 'a', claimedAt: ago(60) };
    expect(isClaimActive(claim, now)).toBe(true);
    expect(mayWorkOn(claim, 'a', now)).toBe(true);
    expect(mayWorkOn(claim, 'b', now)).toBe(false);
  });
  it('returns an abandoned item to everyone after the claim period', () => {
    const claim = { claimedBy: 'a', claimedAt: ago(CLAIM_TTL_SECONDS) };
    expect(mayWorkOn(claim, 'b', now)).toBe(true);
  });
  it('lets anyone work on an unclaimed item', () => {
    expect(mayWorkOn({ claimedBy: null, claimedAt: null }, 'b', now)).toBe(true);
  });
});
