import { describe, expect, it } from 'vitest';
import { admitCheck, attemptsLeft, effectiveLock, isSpent, nextLock, type EffectiveLock } from './video-check-lock.rules.js';

const now = new Date('2026-12-01T12:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const rules = { maxFailedChecks: 3, lockMs: 15 * 60_000 };
const open = (failedChecks: number): EffectiveLock => ({ failedChecks, lockedUntil: null });
const row = (failedChecks: number, lockedUntil: Date | null, updatedAt = at(-1)) => ({ failedChecks, lockedUntil, updatedAt });

describe('effectiveLock', () => {
  it.each([
    ['no subjects', [], 0, null],
    ['one subject with failures', [row(2, null)], 2, null],
    ['the worse of IIN and phone', [row(1, null), row(2, null)], 2, null],
    ['a lock in force on either subject', [row(0, null), row(3, at(5))], 3, at(5)],
    ['the later of two locks', [row(3, at(5)), row(3, at(9))], 3, at(9)],
    ['a lock that ran out gives fresh attempts', [row(3, at(-1))], 0, null],
    ['a lock ending exactly now has run out', [row(3, now)], 0, null],
    ['a run-out lock on one subject, failures on the other', [row(3, at(-1)), row(1, null)], 1, null],
    ['failures of 23 hours ago still count', [row(2, null, at(-23 * 60))], 2, null],
    ['failures are forgotten a day after the last one', [row(2, null, at(-24 * 60 - 1))], 0, null],
  ] as const)('%s', (_label, subjects, failedChecks, lockedUntil) => {
    expect(effectiveLock(subjects, now)).toEqual({ failedChecks, lockedUntil });
  });
});

describe('admitCheck and attemptsLeft', () => {
  it.each([
    [open(0), 0, { ok: true }, 3],
    [open(2), 0, { ok: true }, 1],
    [open(0), 2, { ok: true }, 3],
    [open(0), 3, { ok: false, reason: 'IN_PROGRESS' }, 3],
    [open(1), 2, { ok: false, reason: 'IN_PROGRESS' }, 2],
    [open(3), 0, { ok: false, reason: 'IN_PROGRESS' }, 0],
    [{ failedChecks: 3, lockedUntil: at(10) }, 0, { ok: false, reason: 'LOCKED', lockedUntil: at(10) }, 0],
  ] as const)('%o with %i in flight → %o, %i attempts left', (lock, inFlight, admission, left) => {
    expect(admitCheck(lock, inFlight, rules)).toEqual(admission);
    expect(attemptsLeft(lock, rules)).toBe(left);
  });
});

describe('nextLock', () => {
  it.each([
    ['a first failure counts', open(0), true, { failedChecks: 1, lockedUntil: null, counted: true }],
    ['the third failure locks for 15 minutes', open(2), true, { failedChecks: 3, lockedUntil: at(15), counted: true }],
    ['a success starts the count again', open(2), false, { failedChecks: 0, lockedUntil: null, counted: true }],
    ['a failure during a lock changes nothing', { failedChecks: 3, lockedUntil: at(4) }, true, { failedChecks: 3, lockedUntil: at(4), counted: false }],
    ['a success during a lock does not clear it', { failedChecks: 3, lockedUntil: at(4) }, false, { failedChecks: 3, lockedUntil: at(4), counted: false }],
  ] as const)('%s', (_label, current, failed, next) => {
    expect(nextLock(current, failed, rules, now)).toEqual(next);
  });

  it('never lets more failures than the limit be judged, whatever the order of arrival', () => {
    // Ten checks arrive at once: each is admitted only while failures plus checks in flight stay below the limit.
    let lock = open(0);
    let inFlight = 0;
    let judged = 0;
    for (let i = 0; i < 10; i++) if (admitCheck(lock, inFlight, rules).ok) inFlight++;
    for (; inFlight > 0; inFlight--) {
      const next = nextLock(lock, true, rules, now);
      if (next.counted) judged++;
      lock = next;
    }
    expect(judged).toBe(3);
    expect(lock.lockedUntil).toEqual(at(15));
  });
});

describe('isSpent (the retention job deletes such rows)', () => {
  it.each([
    ['a lock in force', row(3, at(1)), false],
    ['a lock that ran out this minute', row(3, at(0)), true],
    ['a failure 23 h 59 min ago', row(2, null, at(-(24 * 60 - 1))), false],
    ['a failure over a day ago', row(2, null, at(-(24 * 60 + 1))), true],
  ] as const)('%s: %s', (_name, subject, spent) => {
    expect(isSpent(subject, now)).toBe(spent);
    // A spent row counts for nothing, exactly as no row.
    if (spent) expect(effectiveLock([subject], now)).toEqual(effectiveLock([], now));
  });
});
