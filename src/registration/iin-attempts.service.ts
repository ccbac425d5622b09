// The limits of the IIN step: each registry lookup is recorded before it is made (under the
// registration's row lock and the phone's advisory lock, so concurrent requests cannot exceed them),
// and its outcome afterwards. The last failed lookup a registration is allowed ends it.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import type { DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { hmacSha256 } from '../platform/crypto.js';
import { maskIin, maskPhone } from '../platform/masking.js';
import type { AuditEvent } from '../audit/audit.store.js';
import { IIN_ATTEMPT_WINDOW_SECONDS, iinAttemptsLeft, refuseIinAttempt, type IinAttemptsUsed } from './iin-attempts.rules.js';
import type { SubjectLock } from '../biometrics/video-check-lock.rules.js';
import { findTransition, RegistrationState } from './registration.rules.js';
import * as store from './iin-attempts.store.js';
import type { RegistrationRow } from './registration.store.js';

export const IIN_ATTEMPTS_EXCEEDED = 'IIN_ATTEMPTS_EXCEEDED';

export interface IinAttempt {
  id: string;
  registrationId: string;
}

type FailedOutcome = Extract<store.IinAttemptOutcome, 'not_found' | 'bmg_mismatch' | 'already_registered' | 'phone_in_use'>;
/** What the registry's answer makes of a lookup (a known IIN may still turn out 'already_registered' or 'phone_in_use'). */
type LookupOutcome = 'not_found' | 'bmg_mismatch';
type FailedAudit = Extract<AuditEvent, { type: 'iin.not_found' | 'bmg.mismatch' }>;

/** The citizen's move an accepted lookup makes, checked against the transition table. */
function acceptMove() {
  const move = findTransition(RegistrationState.AWAITING_IIN, RegistrationState.AWAITING_VIDEO_CHECK, 'citizen');
  if (!move) throw new AppError('INVALID_STATE', { state: RegistrationState.AWAITING_IIN });
  return move;
}

export class IinAttempts {
  constructor(private readonly ctx: AppContext) {}

  private get limits() {
    return this.ctx.config.registration.iinAttempts;
  }

  /** The phone's key among the lookups (kept with the registration from its start: `withToken`). */
  phoneHash(phone: string): Buffer {
    return hmacSha256(this.ctx.config.secretKey, 'iin-attempt-phone', phone);
  }

  iinHash(iin: string): Buffer {
    return hmacSha256(this.ctx.config.secretKey, 'iin-attempt-iin', iin);
  }

  /** Records a lookup about to be made, or refuses it (429); at the registration's limit it ends the registration. */
  async begin(registration: RegistrationRow, iin: string, clientIp: string): Promise<IinAttempt> {
    const start = this.start(registration, iin, clientIp);
    // One round trip (iin_attempt_begin): the locks, the counts, and the attempt or the refusal.
    const result = await store.beginAttempt(this.ctx.db, start);
    this.refuseUnrecorded(result, start.now);
    return { id: start.id, registrationId: registration.id };
  }

  /**
   * The whole lookup in one round trip (iin_step), for a registry that answers inside our database
   * (`RegistryGateway.checksInDatabase`): `begin`, the gateway's lookup, `finish`, and for an accepted
   * IIN the person's video-check lock rows (`lockSubjects`) as the statement read them.
   */
  async inOneCall(
    registration: RegistrationRow,
    iin: string,
    clientIp: string,
    f: { failedAudits: { notFound: Extract<FailedAudit, { type: 'iin.not_found' }>; mismatch: Extract<FailedAudit, { type: 'bmg.mismatch' }> }; lockSubjects: ReadonlyArray<{ kind: string; hash: Buffer }> },
  ): Promise<({ outcome: 'accepted'; maskedName: string } | { outcome: FailedOutcome; attemptsLeft: number }) & { locks: SubjectLock[] }> {
    const start = this.start(registration, iin, clientIp);
    const result = await store.stepInOneCall(this.ctx.db, {
      ...start,
      phone: registration.phone,
      iin,
      subject: maskIin(iin),
      acceptTo: acceptMove().to,
      failedAudits: f.failedAudits,
      lockSubjects: f.lockSubjects,
    });
    this.refuseUnrecorded(result, start.now);
    const concluded = this.concluded(result);
    return concluded.outcome === 'accepted' ? { ...concluded, maskedName: result.maskedName ?? '', locks: result.locks } : { ...concluded, locks: result.locks };
  }

  /**
   * The lookup and its token check in one round trip (registration_iin_step), for a registry that
   * answers inside our database: the registration is authorised and touched as
   * `authorizeRegistration` does (its row as found is returned for the caller to decide on), then, in
   * AWAITING_IIN, `inOneCall` with the phone and its keys as stored at the start. `step` is null when
   * no lookup was made: not authorised, another state (`registration.state`), or a registration
   * without its phone's keys (`keysMissing`: started before they were stored).
   */
  async withToken(
    registrationId: string,
    auth: { tokenHash: Buffer; closed: readonly string[]; neverIdle: readonly string[]; expiresAt: Date },
    iin: string,
    clientIp: string,
    now: Date,
    lockIinHash: Buffer,
  ): Promise<{
    registration: { token_hash: Buffer; state: string; expires_at: Date } | undefined;
    keysMissing: boolean;
    step: (({ outcome: 'accepted'; maskedName: string } | { outcome: FailedOutcome; attemptsLeft: number }) & { locks: SubjectLock[] }) | null;
  }> {
    const end = findTransition(RegistrationState.AWAITING_IIN, RegistrationState.REJECTED, 'system');
    if (!end) throw new AppError('INVALID_STATE', { state: RegistrationState.AWAITING_IIN });
    const result = await store.stepWithToken(this.ctx.db, {
      auth,
      id: randomUUID(),
      registrationId,
      iin,
      iinHash: this.iinHash(iin),
      lockIinHash,
      clientIp,
      now,
      windowSeconds: IIN_ATTEMPT_WINDOW_SECONDS,
      limits: this.limits,
      end: { move: end, reason: IIN_ATTEMPTS_EXCEEDED, audit: { type: 'iin.attempts_exceeded', details: { limit: this.limits.perRegistration } } },
      limitedAuditType: 'iin.attempts_limited',
      subject: maskIin(iin),
      acceptTo: acceptMove().to,
      failedAuditTypes: { notFound: 'iin.not_found', mismatch: 'bmg.mismatch' },
    });
    if (!result.step) return { registration: result.registration, keysMissing: result.keysMissing, step: null };
    this.refuseUnrecorded(result.step, now);
    const concluded = this.concluded(result.step);
    const locks = result.step.locks;
    const step = concluded.outcome === 'accepted' ? { ...concluded, maskedName: result.step.maskedName ?? '', locks } : { ...concluded, locks };
    return { registration: result.registration, keysMissing: false, step };
  }

  /** A lookup to record before it is made (a new attempt id, now). */
  private start(registration: RegistrationRow, iin: string, clientIp: string): store.AttemptStart {
    return {
      id: randomUUID(),
      registrationId: registration.id,
      phoneHash: this.phoneHash(registration.phone),
      iinHash: this.iinHash(iin),
      clientIp,
      now: new Date(),
      windowSeconds: IIN_ATTEMPT_WINDOW_SECONDS,
      limits: this.limits,
      end: this.end(registration, clientIp),
      limitedAudit: { type: 'iin.attempts_limited', subject: maskPhone(registration.phone) },
    };
  }

  /** A recorded lookup's outcome: the registration had left AWAITING_IIN (409), accepted, or a failure with the lookups left. */
  private concluded(result: { outcome: store.IinAttemptOutcome | 'state' | null; state: string | undefined; failed: number }): { outcome: 'accepted' } | { outcome: FailedOutcome; attemptsLeft: number } {
    if (result.outcome === 'state' || result.outcome === null) {
      throw new AppError('INVALID_STATE', { state: result.state ?? 'UNKNOWN', expected: RegistrationState.AWAITING_IIN });
    }
    if (result.outcome === 'accepted') return { outcome: 'accepted' };
    return { outcome: result.outcome as FailedOutcome, attemptsLeft: iinAttemptsLeft(result.failed, this.limits) };
  }

  /** The answers of a lookup that was not recorded: no such registration, another state, or a limit. */
  private refuseUnrecorded(result: { state: string | undefined; used: IinAttemptsUsed; recorded: boolean }, now: Date): void {
    if (result.state === undefined) throw new AppError('REGISTRATION_NOT_FOUND');
    if (result.state !== RegistrationState.AWAITING_IIN) throw new AppError('INVALID_STATE', { state: result.state, expected: RegistrationState.AWAITING_IIN });
    const refusal = refuseIinAttempt(result.used, this.limits, now);
    if (refusal?.code === 'IIN_ATTEMPT_LIMIT') throw new AppError(refusal.code, { retryAfter: refusal.retryAfter }, { 'retry-after': String(refusal.retryAfter) });
    if (refusal || !result.recorded) throw new AppError(IIN_ATTEMPTS_EXCEEDED);
  }

  /**
   * The lookup's outcome in one round trip (iin_attempt_finish). Accepted: the registration moves on
   * with the person — unless the IIN already has a digital profile (then a failure, 'already_registered'),
   * or another Digital ID has the phone ('phone_in_use').
   * A failure is audited and counted: `attemptsLeft` 0 means the registration has ended.
   */
  async finish(
    attempt: IinAttempt,
    registration: RegistrationRow,
    f: { iin: string; clientIp: string; outcome: 'accepted'; maskedName: string } | { iin: string; clientIp: string; outcome: LookupOutcome; audit: FailedAudit },
  ): Promise<{ outcome: 'accepted' } | { outcome: FailedOutcome; attemptsLeft: number }> {
    const result = await store.finishAttempt(this.ctx.db, {
      id: attempt.id,
      registrationId: attempt.registrationId,
      outcome: f.outcome,
      now: new Date(),
      clientIp: f.clientIp,
      subject: maskIin(f.iin),
      accept: { move: acceptMove(), iin: f.iin, maskedName: f.outcome === 'accepted' ? f.maskedName : null },
      failedAudit: f.outcome === 'accepted' ? null : f.audit,
      limitPerRegistration: this.limits.perRegistration,
      end: this.end(registration, f.clientIp),
    });
    return this.concluded(result);
  }

  /** The registry did not answer: not the citizen's attempt. */
  async unavailable(attempt: IinAttempt): Promise<void> {
    await store.setOutcome(this.ctx.db, attempt.id, 'unavailable');
  }

  /** Whether the registration looked this IIN up and BMG bound the phone elsewhere: the only IIN a ticket may name. */
  hadBmgMismatch(conn: DbOrTx, registrationId: string, iin: string): Promise<boolean> {
    return store.hadBmgMismatch(conn, registrationId, this.iinHash(iin));
  }

  /** The move that ends the registration at its last allowed lookup, checked against the transition table. */
  private end(registration: RegistrationRow, clientIp: string | null): store.EndOfRegistration {
    const move = findTransition(RegistrationState.AWAITING_IIN, RegistrationState.REJECTED, 'system');
    if (!move) throw new AppError('INVALID_STATE', { state: RegistrationState.AWAITING_IIN });
    return {
      move,
      reason: IIN_ATTEMPTS_EXCEEDED,
      audit: { type: 'iin.attempts_exceeded', actor: 'citizen', registrationId: registration.id, subject: maskPhone(registration.phone), clientIp, details: { limit: this.limits.perRegistration } },
    };
  }
}
