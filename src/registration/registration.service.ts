// The registration flow as a state machine: each step is authorised by the registration token,
// checks the state it expects, and moves the state in one transaction with everything it writes.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import type { Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { constantTimeEqual, hmacSha256, randomToken } from '../platform/crypto.js';
import { maskIin, maskName, maskPhone } from '../platform/masking.js';
import { appendAudit, type AuditEvent } from '../audit/audit.store.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import { validateIin } from '../iin/iin.rules.js';
import type { OtpService, OtpTiming } from '../otp/otp.service.js';
import { hashOtp } from '../otp/otp.rules.js';
import type { VideoCheckLocks } from '../biometrics/video-check-lock.service.js';
import { authorizationRefusal, FINAL_STATES, findTransition, NEVER_IDLE_STATES, RegistrationState } from './registration.rules.js';
import type { IinAttempts, IinAttempt } from './iin-attempts.service.js';
import * as store from './registration.store.js';
import type { RegistrationRow } from './registration.store.js';

export type { RegistrationRow };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function tokenHash(ctx: AppContext, token: string): Buffer {
  return hmacSha256(ctx.config.secretKey, 'registration-token', token);
}

function idleExpiry(ctx: AppContext, now: Date): Date {
  return new Date(now.getTime() + ctx.config.registration.idleTimeoutSeconds * 1000);
}

function assertState(registration: RegistrationRow, expected: RegistrationState): void {
  if (registration.state !== expected) throw new AppError('INVALID_STATE', { state: registration.state, expected });
}

/**
 * The bearer token of a step call, as its HMAC: 401 without a well-formed token, 404 for an id that
 * cannot be a registration's. Checked before the database is asked.
 */
function credentials(ctx: AppContext, id: string, authorization: string | undefined): Buffer {
  const token = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '')?.[1];
  if (!token) throw new AppError('UNAUTHORIZED');
  if (!UUID.test(id)) throw new AppError('REGISTRATION_NOT_FOUND');
  return tokenHash(ctx, token);
}

/**
 * 404 unknown, 401 another token, 409 REGISTRATION_FINISHED for a closed state, 410 idle for too
 * long (registration.rules `authorizationRefusal`), from the registration's row as it was found. The
 * database touched the row in the same statement exactly when none of these applies.
 */
function assertAuthorized(row: { token_hash: Buffer; state: string; expires_at: Date } | undefined, hash: Buffer, closed: readonly string[], now: Date): void {
  const refusal = authorizationRefusal(row, row !== undefined && constantTimeEqual(hash, row.token_hash), closed, now);
  if (refusal === 'REGISTRATION_FINISHED') throw new AppError(refusal, { state: row!.state });
  if (refusal) throw new AppError(refusal);
}

/**
 * Resolves the registration a step call is about: 401 without a valid bearer token, 404 for an
 * unknown id, 410 once idle for longer than the timeout, 409 REGISTRATION_FINISHED once completed or
 * rejected (its token then only reads: `allowFinished`). A valid call extends the idle expiry.
 */
export async function authorizeRegistration(
  ctx: AppContext,
  id: string,
  authorization: string | undefined,
  options: { allowFinished?: boolean } = {},
): Promise<RegistrationRow> {
  const hash = credentials(ctx, id, authorization);
  // One round trip: the row as it was, extended in the same statement when the checks below pass.
  const now = new Date();
  const closed = options.allowFinished ? [] : FINAL_STATES;
  const registration = await store.findAndTouch(ctx.db, id, {
    tokenHash: hash,
    closed,
    neverIdle: NEVER_IDLE_STATES,
    now,
    expiresAt: idleExpiry(ctx, now),
  });
  assertAuthorized(registration, hash, closed, now);
  return registration!;
}

// The moves other domains ask for: the video check (system) and moderators. They never write the
// state themselves; each move is checked against the transition table by `store.transition`.

/** The registration's row, locked until the caller's transaction ends (its state cannot move meanwhile). */
export async function lockRegistration(trx: Tx, registrationId: string): Promise<RegistrationRow | undefined> {
  return store.findRegistration(trx, registrationId, { forUpdate: true });
}

/** COMPLETED with its digital profile: the video check passed (system) or a moderator approved. */
export async function completeRegistration(trx: Tx, registrationId: string, method: 'video_check' | 'moderator'): Promise<void> {
  const registration = await store.findRegistration(trx, registrationId, { forUpdate: true });
  if (!registration || !registration.iin) throw new AppError('REGISTRATION_NOT_FOUND');
  const move = { from: registration.state, to: RegistrationState.COMPLETED, by: method === 'moderator' ? 'moderator' : 'system' } as const;
  if (!findTransition(move.from, move.to, move.by)) throw new AppError('INVALID_STATE', { state: registration.state });
  if (await store.hasDigitalProfile(trx, registration.iin)) throw new AppError('ALREADY_REGISTERED');
  const now = new Date();
  await store.insertDigitalProfile(trx, { id: randomUUID(), iin: registration.iin, phone: registration.phone, registrationId, method, now });
  await store.transition(trx, registrationId, move, { completed_at: now }, now);
  await appendAudit(trx, {
    type: 'registration.completed',
    actor: move.by,
    registrationId,
    subject: maskIin(registration.iin),
    details: { method },
  });
}

/** UNDER_REVIEW: the video check could not decide alone; a moderation case is opened by the caller. */
export async function sendToReview(trx: Tx, registrationId: string, now: Date): Promise<void> {
  await store.transition(trx, registrationId, { from: RegistrationState.AWAITING_VIDEO_CHECK, to: RegistrationState.UNDER_REVIEW, by: 'system' }, {}, now);
}

/** REJECTED by a moderator, with the reason the citizen is told. */
export async function rejectRegistration(trx: Tx, registrationId: string, reason: string, now: Date): Promise<void> {
  await store.transition(trx, registrationId, { from: RegistrationState.UNDER_REVIEW, to: RegistrationState.REJECTED, by: 'moderator' }, { rejection_reason: reason }, now);
}

/** The error of a failed lookup; with no attempts left the registration has ended. */
function iinRefusal(result: { outcome: 'not_found' | 'bmg_mismatch' | 'already_registered' | 'phone_in_use'; attemptsLeft: number }): AppError {
  if (result.attemptsLeft === 0) return new AppError('IIN_ATTEMPTS_EXCEEDED');
  if (result.outcome === 'not_found') return new AppError('PERSON_NOT_FOUND', { attemptsLeft: result.attemptsLeft });
  if (result.outcome === 'bmg_mismatch') return new AppError('BMG_PHONE_MISMATCH', { assistant: true, attemptsLeft: result.attemptsLeft });
  // One Digital ID per phone: known here already, not first when the video check completes the registration.
  if (result.outcome === 'phone_in_use') return new AppError('PHONE_IN_USE', { attemptsLeft: result.attemptsLeft });
  return new AppError('ALREADY_REGISTERED', { attemptsLeft: result.attemptsLeft });
}

export class RegistrationService {
  constructor(
    private readonly ctx: AppContext,
    private readonly otp: OtpService,
    private readonly iinAttempts: IinAttempts,
    private readonly locks: VideoCheckLocks,
  ) {}

  /** The registration with the video-check lock and attempts of its person and phone (kept across registrations). */
  async describe(registration: RegistrationRow) {
    const lock = await this.locks.status(this.ctx.db, registration);
    return { ...describeRegistration(registration), lockedUntil: lock.lockedUntil?.toISOString() ?? null, attemptsLeft: lock.attemptsLeft };
  }

  async start(input: { phone: unknown; language: Language; clientIp: string }): Promise<{ id: string; token: string; state: RegistrationState; otp: OtpTiming }> {
    const phone = normalizeKzMobile(input.phone);
    if (!phone) throw new AppError('PHONE_INVALID');
    const id = randomUUID();
    const token = randomToken();
    const now = new Date();
    // One round trip (registration_start): limits, registration, code, SMS and its job, audit.
    const code = this.otp.prepare({ registrationId: id, phone, language: input.language, now });
    const result = await store.startRegistration(this.ctx.db, {
      id,
      tokenHash: tokenHash(this.ctx, token),
      phone,
      phoneKeys: { iinAttempts: this.iinAttempts.phoneHash(phone), lock: this.locks.subject('phone', phone).hash },
      language: input.language,
      clientIp: input.clientIp,
      now,
      expiresAt: idleExpiry(this.ctx, now),
      limits: this.otp.sendLimits(),
      code,
      audit: { sent: 'otp.sent', refused: 'otp.send_limited', subject: maskPhone(phone) },
    });
    if (result.refused) throw this.otp.sendLimitError(result.refused, result.oldest, now);
    this.ctx.sms.queued(code.sms);
    return { id, token, state: RegistrationState.AWAITING_OTP, otp: code.timing };
  }

  async resendOtp(registration: RegistrationRow, clientIp: string): Promise<{ otp: OtpTiming }> {
    assertState(registration, RegistrationState.AWAITING_OTP);
    const now = new Date();
    const language = registration.language as Language;
    // One round trip (registration_resend): cooldown, limits, the new code with its SMS, audit.
    const code = this.otp.prepare({ registrationId: registration.id, phone: registration.phone, language, now });
    const subject = maskPhone(registration.phone);
    const result = await store.resendCode(this.ctx.db, {
      registrationId: registration.id,
      expectedState: RegistrationState.AWAITING_OTP,
      phone: registration.phone,
      language,
      clientIp,
      now,
      limits: this.otp.sendLimits(),
      code,
      audit: { sent: { type: 'otp.sent', actor: 'citizen', details: { resend: true } }, refused: 'otp.send_limited', subject },
    });
    if (result.state === undefined) throw new AppError('REGISTRATION_NOT_FOUND');
    if (result.state !== RegistrationState.AWAITING_OTP) throw new AppError('INVALID_STATE', { state: result.state, expected: RegistrationState.AWAITING_OTP });
    if (result.refused === 'cooldown') throw this.otp.resendTooEarlyError(result.resendAvailableAt, now);
    if (result.refused) throw this.otp.sendLimitError(result.refused, result.oldest, now);
    this.ctx.sms.queued(code.sms);
    return { otp: code.timing };
  }

  /**
   * The code step in one round trip (registration_code_step): the token checked and the idle expiry
   * extended as `authorizeRegistration` does, then the attempt recorded whatever the result (committed
   * before a failure is reported, so wrong guesses always count), the move and the audit event.
   */
  async verifyOtp(id: string, authorization: string | undefined, code: string, clientIp: string): Promise<{ state: RegistrationState }> {
    const hash = credentials(this.ctx, id, authorization);
    const now = new Date();
    const result = await store.codeStep(this.ctx.db, {
      id,
      tokenHash: hash,
      closed: FINAL_STATES,
      neverIdle: NEVER_IDLE_STATES,
      now,
      expiresAt: idleExpiry(this.ctx, now),
      move: { from: RegistrationState.AWAITING_OTP, to: RegistrationState.AWAITING_IIN, by: 'citizen' },
      codeHmac: hashOtp(this.ctx.config.secretKey, id, code),
      maxAttempts: this.ctx.config.otp.maxAttempts,
      clientIp,
      audit: { verified: 'otp.verified', failed: 'otp.failed', locked: 'otp.locked' },
    });
    assertAuthorized(result.registration, hash, FINAL_STATES, now);
    const { verification } = result;
    if (verification === null) throw new AppError('INVALID_STATE', { state: result.registration!.state, expected: RegistrationState.AWAITING_OTP });
    if (verification === 'OTP_INVALID') throw new AppError('OTP_INVALID', { attemptsLeft: result.attemptsLeft ?? 0 });
    if (verification !== 'ok') throw new AppError(verification);
    return { state: RegistrationState.AWAITING_IIN };
  }

  /**
   * The IIN step: with the embedded registry in one round trip (registration_iin_step: the token
   * checked and the idle expiry extended as `authorizeRegistration` does, then the lookup), else
   * authorised first and looked up in three calls around the registry's.
   */
  async submitIin(
    id: string,
    authorization: string | undefined,
    iinInput: string,
    clientIp: string,
  ): Promise<{ state: RegistrationState; person: { maskedName: string }; lockedUntil: string | null; attemptsLeft: number }> {
    const hash = credentials(this.ctx, id, authorization);
    // A malformed IIN is answered after the token and the state, as it always was.
    if (this.ctx.registry.checksInDatabase && validateIin(iinInput).ok) {
      const now = new Date();
      const auth = { tokenHash: hash, closed: FINAL_STATES, neverIdle: NEVER_IDLE_STATES, expiresAt: idleExpiry(this.ctx, now) };
      const result = await this.iinAttempts.withToken(id, auth, iinInput, clientIp, now, this.locks.subject('iin', iinInput).hash);
      assertAuthorized(result.registration, hash, FINAL_STATES, now);
      const found = result.registration!;
      if (result.step) {
        if (result.step.outcome !== 'accepted') throw iinRefusal(result.step);
        return this.accepted(result.step.maskedName, this.locks.statusOf(result.step.locks));
      }
      if (!result.keysMissing) throw new AppError('INVALID_STATE', { state: found.state, expected: RegistrationState.AWAITING_IIN });
    }
    // Started before its phone's keys were kept, a malformed IIN, or a registry outside the database.
    return this.submitIinAuthorized(await authorizeRegistration(this.ctx, id, authorization), iinInput, clientIp);
  }

  private async submitIinAuthorized(
    registration: RegistrationRow,
    iinInput: string,
    clientIp: string,
  ): Promise<{ state: RegistrationState; person: { maskedName: string }; lockedUntil: string | null; attemptsLeft: number }> {
    assertState(registration, RegistrationState.AWAITING_IIN);
    const check = validateIin(iinInput);
    if (!check.ok) throw new AppError(check.code);
    const iin = iinInput;
    const subject = maskIin(iin);
    const base = { actor: 'citizen' as const, registrationId: registration.id, subject, clientIp };
    const failedAudits = {
      notFound: { ...base, type: 'iin.not_found' },
      mismatch: { ...base, type: 'bmg.mismatch', details: { phone: maskPhone(registration.phone) } },
    } as const;
    // Every lookup is counted before it is made: the step must not become a registry oracle.
    if (this.ctx.registry.checksInDatabase) {
      // One round trip (iin_step): the accounting, the gateway's lookup, the outcome and the person's lock.
      const person = { phone: registration.phone, iin };
      const result = await this.iinAttempts.inOneCall(registration, iin, clientIp, { failedAudits, lockSubjects: this.locks.subjects(person) });
      if (result.outcome !== 'accepted') throw iinRefusal(result);
      return this.accepted(result.maskedName, this.locks.statusOf(result.locks));
    }
    const attempt = await this.iinAttempts.begin(registration, iin, clientIp);
    let found: Awaited<ReturnType<AppContext['registry']['checkPerson']>>;
    try {
      // Registry calls may go over the network: they happen between, not inside, the transactions.
      found = await this.ctx.registry.checkPerson(iin, registration.phone);
    } catch (err) {
      await this.iinAttempts.unavailable(attempt);
      throw err;
    }
    const maskedName = found ? maskName(found.person.firstName, found.person.lastName) : '';
    const result = !found
      ? await this.iinAttempts.finish(attempt, registration, { iin, clientIp, outcome: 'not_found', audit: failedAudits.notFound })
      : !found.boundToPhone
        ? await this.iinAttempts.finish(attempt, registration, { iin, clientIp, outcome: 'bmg_mismatch', audit: failedAudits.mismatch })
        : await this.iinAttempts.finish(attempt, registration, { iin, clientIp, outcome: 'accepted', maskedName });
    if (result.outcome !== 'accepted') throw iinRefusal(result);
    return this.accepted(maskedName, await this.locks.status(this.ctx.db, { phone: registration.phone, iin }));
  }

  /** The answer to an accepted IIN. The person may already be locked out of video checks by an earlier registration: say so at once. */
  private accepted(maskedName: string, lock: { lockedUntil: Date | null; attemptsLeft: number }) {
    return { state: RegistrationState.AWAITING_VIDEO_CHECK, person: { maskedName }, lockedUntil: lock.lockedUntil?.toISOString() ?? null, attemptsLeft: lock.attemptsLeft };
  }
}

export function describeRegistration(r: RegistrationRow) {
  return {
    id: r.id,
    state: r.state as RegistrationState,
    phone: maskPhone(r.phone),
    language: r.language,
    person: r.masked_name ? { maskedName: r.masked_name } : null,
    expiresAt: new Date(r.expires_at).toISOString(),
    rejectionReason: r.rejection_reason,
    createdAt: new Date(r.created_at).toISOString(),
    completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
  };
}
