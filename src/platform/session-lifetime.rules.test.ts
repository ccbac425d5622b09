import { describe, expect, it } from 'vitest';
import { sessionEndsAt, sessionStatus, type SessionLimits, type SessionStatus, type SessionTimes } from './session-lifetime.rules.js';

const t0 = new Date('2026-12-01T08:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const citizen: SessionLimits = { idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 12 * 3600 };
const staff: SessionLimits = { idleTimeoutSeconds: 900, absoluteTimeoutSeconds: 12 * 3600 };

describe('session lifetime (citizens and staff)', () => {
  const table: Array<[string, SessionLimits, SessionTimes, Date, SessionStatus]> = [
    ['citizen: just opened', citizen, { createdAt: t0, lastSeenAt: t0, endedAt: null }, at(0), 'active'],
    ['citizen: used 29:59 ago', citizen, { createdAt: t0, lastSeenAt: t0, endedAt: null }, at(1799), 'active'],
    ['citizen: idle for 30 minutes', citizen, { createdAt: t0, lastSeenAt: t0, endedAt: null }, at(1800), 'idle_expired'],
    ['citizen: kept busy for 11:59', citizen, { createdAt: t0, lastSeenAt: at(11 * 3600 + 3540 - 60), endedAt: null }, at(11 * 3600 + 3540), 'active'],
    ['citizen: kept busy for 12 hours', citizen, { createdAt: t0, lastSeenAt: at(12 * 3600 - 1), endedAt: null }, at(12 * 3600), 'absolute_expired'],
    ['citizen: ended (sign-out, revoke, block)', citizen, { createdAt: t0, lastSeenAt: t0, endedAt: at(5) }, at(10), 'ended'],
    ['staff: used a minute ago', staff, { createdAt: t0, lastSeenAt: at(3600), endedAt: null }, at(3660), 'active'],
    ['staff: idle exactly the 15-minute timeout', staff, { createdAt: t0, lastSeenAt: at(3600), endedAt: null }, at(4500), 'idle_expired'],
    ['staff: past the working day, used a second ago', staff, { createdAt: t0, lastSeenAt: at(12 * 3600 - 1), endedAt: null }, at(12 * 3600), 'absolute_expired'],
    ['staff: idle and past the working day (absolute first)', staff, { createdAt: t0, lastSeenAt: t0, endedAt: null }, at(13 * 3600), 'absolute_expired'],
    ['staff: signed out, even if also expired', staff, { createdAt: t0, lastSeenAt: t0, endedAt: at(1) }, at(13 * 3600), 'ended'],
  ];
  it.each(table)('%s', (_name, limits, session, now, expected) => {
    expect(sessionStatus(session, now, limits)).toBe(expected);
  });

  it('ends at the earlier of the idle and the absolute end', () => {
    expect(sessionEndsAt({ createdAt: t0, lastSeenAt: t0 }, citizen)).toEqual(at(1800));
    expect(sessionEndsAt({ createdAt: t0, lastSeenAt: at(12 * 3600 - 60) }, citizen)).toEqual(at(12 * 3600));
    expect(sessionEndsAt({ createdAt: t0, lastSeenAt: at(600) }, staff)).toEqual(at(1500));
  });
});
