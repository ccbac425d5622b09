// The failure count and the lock of a registration's person and phone: read for display, checked
// before a check is analysed, and updated after it is judged — the last two under the subjects' row
// locks, inside the caller's transaction.
import type { Config } from '../platform/config.js';
import type { DbOrTx, Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { hmacSha256 } from '../platform/crypto.js';
import { secondsUntil } from '../platform/limits.rules.js';
import { admitCheck, attemptsLeft, effectiveLock, nextLock, type EffectiveLock, type LockRules, type NextLock, type SubjectLock } from './video-check-lock.rules.js';
import * as store from './video-check-lock.store.js';

export interface LockStatus {
  lockedUntil: Date | null;
  attemptsLeft: number;
}

export interface Person {
  phone: string;
  iin: string | null;
}

export interface HeldLock {
  subjects: store.SubjectKey[];
  current: EffectiveLock;
}

export class VideoCheckLocks {
  private readonly rules: LockRules;

  constructor(private readonly config: Config) {
    this.rules = { maxFailedChecks: config.videoCheck.maxFailedChecks, lockMs: config.videoCheck.lockMinutes * 60_000 };
  }

  /** The keys of the person's lock rows (HMACs of the IIN and the phone), for a statement that reads them itself. */
  subjects(person: Person): store.SubjectKey[] {
    return person.iin ? [this.subject('iin', person.iin), this.subject('phone', person.phone)] : [this.subject('phone', person.phone)];
  }

  /** One subject's key (a registration keeps its phone's from the start: registration_iin_step). */
  subject(kind: store.SubjectKey['kind'], value: string): store.SubjectKey {
    return { kind, hash: hmacSha256(this.config.secretKey, 'video-check-subject', kind, value) };
  }

  /** The lock in force and the attempts left, for the citizen's screen. */
  async status(conn: DbOrTx, person: Person, now = new Date()): Promise<LockStatus> {
    return this.statusOf(await store.readSubjects(conn, this.subjects(person)), now);
  }

  /** The status from the person's lock rows as a statement read them (by `subjects`). */
  statusOf(rows: readonly SubjectLock[], now = new Date()): LockStatus {
    const lock = effectiveLock(rows, now);
    return { lockedUntil: lock.lockedUntil, attemptsLeft: attemptsLeft(lock, this.rules) };
  }

  /** 423 while locked; 409 when the checks already being analysed could use up the attempts left. */
  async admit(trx: Tx, person: Person, now: Date): Promise<void> {
    const lock = effectiveLock(await store.lockSubjects(trx, this.subjects(person), now), now);
    const admission = admitCheck(lock, await store.countChecksInFlight(trx, person, now), this.rules);
    if (admission.ok) return;
    if (admission.reason === 'LOCKED') throw lockedError(admission.lockedUntil, now);
    throw new AppError('VIDEO_CHECK_IN_PROGRESS');
  }

  /** 423 while locked (for issuing a check: nothing is analysed, so checks in flight do not matter). */
  async assertNotLocked(conn: DbOrTx, person: Person, now: Date): Promise<void> {
    const { lockedUntil } = await this.status(conn, person, now);
    if (lockedUntil) throw lockedError(lockedUntil, now);
  }

  /** Holds the person's rows (FOR UPDATE) until the transaction ends; `record` then writes the result. */
  async hold(trx: Tx, person: Person, now: Date): Promise<HeldLock> {
    const subjects = this.subjects(person);
    return { subjects, current: effectiveLock(await store.lockSubjects(trx, subjects, now), now) };
  }

  /** Records a judged check for every subject of the person. */
  async record(trx: Tx, held: HeldLock, failed: boolean, now: Date): Promise<NextLock & { attemptsLeft: number }> {
    const next = nextLock(held.current, failed, this.rules, now);
    if (next.counted) await store.saveSubjects(trx, held.subjects, next, now);
    return { ...next, attemptsLeft: attemptsLeft(next, this.rules) };
  }
}

export function lockedError(lockedUntil: Date, now = new Date()): AppError {
  const retryAfter = secondsUntil(lockedUntil, now);
  return new AppError('LOCKED', { lockedUntil: lockedUntil.toISOString(), attemptsLeft: 0 }, { 'retry-after': String(retryAfter) });
}
