// Failed video checks and the lock, kept per subject (the person's IIN and the phone) so that a new
// registration inherits both. Pure: the service reads the subjects' rows under a row lock, asks these
// functions, and writes back what they answer.

/** One subject's stored row. */
export interface SubjectLock {
  failedChecks: number;
  lockedUntil: Date | null;
  /** When the row last changed: the last failure counted (or the lock taken). */
  updatedAt: Date;
}

/** Failures are forgotten a day after the last one: two failed checks last month do not make today's first one lock. */
export const FAILURE_MEMORY_MS = 24 * 3600 * 1000;

/** What counts now for a registration: the worst of its subjects. */
export interface EffectiveLock {
  /** Failures since the last lock ran out (or since the last success). */
  failedChecks: number;
  /** Set only while the lock is in force. */
  lockedUntil: Date | null;
}

export interface LockRules {
  maxFailedChecks: number;
  lockMs: number;
}

/**
 * A lock that has run out gives a fresh set of attempts, as does a day without a failure; subjects
 * combine by their worst state.
 */
export function effectiveLock(subjects: readonly SubjectLock[], now: Date): EffectiveLock {
  let failedChecks = 0;
  let lockedUntil: Date | null = null;
  for (const s of subjects) {
    if (isSpent(s, now)) continue;
    failedChecks = Math.max(failedChecks, s.failedChecks);
    if (s.lockedUntil && (!lockedUntil || s.lockedUntil > lockedUntil)) lockedUntil = s.lockedUntil;
  }
  return { failedChecks, lockedUntil };
}

/**
 * A row that no longer counts: its lock has run out, or (no lock) its last failure is forgotten. It
 * means what no row means, so the retention job deletes it (`deleteSpentLocks` is this in SQL).
 */
export function isSpent(s: SubjectLock, now: Date): boolean {
  if (s.lockedUntil !== null) return s.lockedUntil.getTime() <= now.getTime();
  return now.getTime() - s.updatedAt.getTime() > FAILURE_MEMORY_MS;
}

export function attemptsLeft(lock: EffectiveLock, rules: Pick<LockRules, 'maxFailedChecks'>): number {
  return lock.lockedUntil ? 0 : Math.max(0, rules.maxFailedChecks - lock.failedChecks);
}

export type Admission = { ok: true } | { ok: false; reason: 'LOCKED'; lockedUntil: Date } | { ok: false; reason: 'IN_PROGRESS' };

/**
 * Whether one more check may be analysed: checks already being analysed count as failures in
 * advance, so however many arrive at once, no more than the limit are ever judged.
 */
export function admitCheck(lock: EffectiveLock, inFlight: number, rules: Pick<LockRules, 'maxFailedChecks'>): Admission {
  if (lock.lockedUntil) return { ok: false, reason: 'LOCKED', lockedUntil: lock.lockedUntil };
  if (lock.failedChecks + inFlight >= rules.maxFailedChecks) return { ok: false, reason: 'IN_PROGRESS' };
  return { ok: true };
}

export interface NextLock extends EffectiveLock {
  /** False when the result changed nothing because a lock was already in force. */
  counted: boolean;
}

/**
 * The state after a judged check. A failure adds one and locks at the limit; a success (passed, or
 * sent to a moderator) starts the count again. A lock in force is never shortened, cleared or
 * extended by a result that arrives during it.
 */
export function nextLock(current: EffectiveLock, failed: boolean, rules: LockRules, now: Date): NextLock {
  if (current.lockedUntil && current.lockedUntil.getTime() > now.getTime()) return { ...current, counted: false };
  if (!failed) return { failedChecks: 0, lockedUntil: null, counted: true };
  const failedChecks = current.failedChecks + 1;
  const lockedUntil = failureLocks(current.failedChecks, rules) ? new Date(now.getTime() + rules.lockMs) : null;
  return { failedChecks, lockedUntil, counted: true };
}

/** Whether one more failure after `failedBefore` reaches the limit: that check's outcome is LOCKED. */
export function failureLocks(failedBefore: number, rules: Pick<LockRules, 'maxFailedChecks'>): boolean {
  return failedBefore + 1 >= rules.maxFailedChecks;
}
