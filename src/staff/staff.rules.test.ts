import { describe, expect, it } from 'vitest';
import { afterFailedLogin, isAcceptablePassword, isLocked, isValidLogin, roleAllows, sessionStatus, type StaffPermission, type StaffRole } from './staff.rules.js';
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

describe('staff session lifetime', () => {
  const table: Array<[string, { lastSeenAt: Date; expiresAt: Date; endedAt: Date | null }, string]> = [
    ['used a minute ago', { lastSeenAt: ago(60), expiresAt: ago(-3600), endedAt: null }, 'active'],
    ['idle exactly the timeout', { lastSeenAt: ago(900), expiresAt: ago(-3600), endedAt: null }, 'idle'],
    ['past its absolute expiry', { lastSeenAt: ago(1), expiresAt: ago(0), endedAt: null }, 'expired'],
    ['signed out', { lastSeenAt: ago(1), expiresAt: ago(-3600), endedAt: ago(1) }, 'ended'],
  ];
  it.each(table)('a session %s is %s', (_name, session, status) => {
    expect(sessionStatus(session, now, 900)).toBe(status);
  });
});

describe('failed sign-ins', () => {
  const policy = { maxFailedLogins: 5, lockSeconds: 900 };
  it('counts failures below the limit without locking', () => {
    expect(afterFailedLogin(3, now, policy)).toEqual({ failedLogins: 4, lockedUntil: null });
  });
  it('locks for the lock period at the limit and restarts the count', () => {
    expect(afterFailedLogin(4, now, policy)).toEqual({ failedLogins: 0, lockedUntil: new Date(now.getTime() + 900_000) });
  });
  it('is locked only until the lock ends', () => {
    expect(isLocked({ lockedUntil: ago(-1) }, now)).toBe(true);
    expect(isLocked({ lockedUntil: ago(0) }, now)).toBe(false);
    expect(isLocked({ lockedUntil: null }, now)).toBe(false);
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
