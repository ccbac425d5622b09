import { isUniqueViolation, PROFILE_PHONE_KEY } from '../platform/db/constraint-errors.js';
import type { DbOrTx } from '../platform/db/database.js';
import type { RegistrationsTable } from '../platform/db/schema.js';
import type { Selectable } from 'kysely';
import { fixedSql } from '../platform/db/fixed-sql.js';
import { AppError } from '../platform/errors/app-error.js';
import type { PreparedOtp } from '../otp/otp.service.js';
import type { AuditEvent, AuditEventType } from '../audit/audit.store.js';
import { findTransition, INITIAL_STATE, type RegistrationState, type TransitionActor } from './registration.rules.js';

export type RegistrationRow = Selectable<RegistrationsTable>;

export async function insertRegistration(
  conn: DbOrTx,
  r: { id: string; tokenHash: Buffer; phone: string; language: string; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('registrations')
    .values({
      id: r.id,
      token_hash: r.tokenHash,
      state: INITIAL_STATE,
      phone: r.phone,
      language: r.language,
      created_at: r.now,
      updated_at: r.now,
      expires_at: r.expiresAt,
    })
    .execute();
}

export async function findRegistration(conn: DbOrTx, id: string, options: { forUpdate?: boolean } = {}): Promise<RegistrationRow | undefined> {
  let q = conn.selectFrom('registrations').selectAll().where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export type RegistrationChanges = Partial<{ iin: string; masked_name: string; completed_at: Date; rejection_reason: string | null }>;

/**
 * The only writer of `registrations.state` after the insert. Refuses a move the transition table does
 * not list, and moves only if the state is still `from` (the expected state is in the WHERE clause): a
 * concurrent request that moved it first makes this one a 409 INVALID_STATE, never an overwrite.
 */
export async function transition(
  conn: DbOrTx,
  id: string,
  move: { from: string; to: RegistrationState; by: TransitionActor },
  changes: RegistrationChanges,
  now: Date,
): Promise<void> {
  const allowed = findTransition(move.from, move.to, move.by);
  if (!allowed) throw new AppError('INVALID_STATE', { state: move.from });
  const moved = await conn
    .updateTable('registrations')
    .set({ ...changes, state: allowed.to, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', allowed.from)
    .returning('id')
    .executeTakeFirst();
  if (moved) return;
  const current = await conn.selectFrom('registrations').select('state').where('id', '=', id).executeTakeFirst();
  if (!current) throw new AppError('REGISTRATION_NOT_FOUND');
  throw new AppError('INVALID_STATE', { state: current.state, expected: allowed.from });
}

export async function hasDigitalProfile(conn: DbOrTx, iin: string): Promise<boolean> {
  const row = await conn.selectFrom('digital_profiles').select('id').where('iin', '=', iin).executeTakeFirst();
  return row !== undefined;
}

export async function insertDigitalProfile(
  conn: DbOrTx,
  p: { id: string; iin: string; phone: string; registrationId: string; method: 'video_check' | 'moderator'; now: Date },
): Promise<void> {
  await conn
    .insertInto('digital_profiles')
    .values({ id: p.id, iin: p.iin, phone: p.phone, registration_id: p.registrationId, verification_method: p.method, created_at: p.now })
    .execute()
    .catch((err: unknown) => {
      // One Digital ID per phone (migration 0014): the constraint decides a race; the transaction rolls back.
      throw isUniqueViolation(err, PROFILE_PHONE_KEY) ? new AppError('PHONE_IN_USE') : err;
    });
}

/**
 * A start in one round trip (registration_start, migrations 0011 and 0023): under the phone's lock, the send
 * limits are counted and either the registration, its first code, the SMS with its job and the audit
 * event are written, or only the refusal's audit event. Returns the limit that refused it, if any.
 */
export async function startRegistration(
  conn: DbOrTx,
  r: {
    id: string;
    tokenHash: Buffer;
    phone: string;
    /** The phone's keys the IIN step needs (registration_iin_step, migration 0023). */
    phoneKeys: { iinAttempts: Buffer; lock: Buffer };
    language: string;
    clientIp: string;
    now: Date;
    expiresAt: Date;
    limits: { phone: number; ip: number };
    code: PreparedOtp;
    audit: { sent: AuditEvent['type']; refused: AuditEvent['type']; subject: string };
  },
): Promise<{ refused: 'phone' | 'ip' | null; oldest: Date | null }> {
  const { code, audit } = r;
  const m = code.sms;
  const { rows } = await fixedSql<{ refused: 'phone' | 'ip' | null; oldest: Date | null }>`
    select refused, oldest from registration_start(
      ${r.id}, ${r.tokenHash}, ${INITIAL_STATE}, ${r.phone}, ${r.language}, ${r.now}, ${r.expiresAt},
      ${r.phoneKeys.iinAttempts}, ${r.phoneKeys.lock},
      ${r.clientIp}, ${code.windowStart}, ${r.limits.phone}::int, ${r.limits.ip}::int,
      ${code.id}, ${code.codeHmac}, ${code.expiresAt}, ${code.resendAvailableAt},
      ${m.queue}, ${m.id}, ${m.body}, ${m.bodyEncrypted},
      ${m.priority}::int, ${m.retryLimit}::int, ${m.retryDelay}::int, ${m.retryBackoff}, ${m.expireSeconds}::int,
      ${audit.sent}, ${audit.refused}, ${audit.subject})`.execute(conn);
  const row = rows[0];
  return { refused: row.refused, oldest: row.oldest ? new Date(row.oldest) : null };
}

/**
 * A resend in one round trip (registration_resend, migration 0013): under the registration's row lock
 * the latest code's cooldown, then the send limits under the phone's lock; the active code is voided
 * and the new code, its SMS with its job and the audit event written — or only a refusal's audit event.
 * `state` is the registration's as found; nothing happens unless it is `expectedState`.
 */
export async function resendCode(
  conn: DbOrTx,
  r: {
    registrationId: string;
    expectedState: RegistrationState;
    phone: string;
    language: string;
    clientIp: string;
    now: Date;
    limits: { phone: number; ip: number };
    code: PreparedOtp;
    audit: { sent: Extract<AuditEvent, { type: 'otp.sent' }>; refused: AuditEvent['type']; subject: string };
  },
): Promise<{ state: string | undefined; refused: 'cooldown' | 'phone' | 'ip' | null; oldest: Date | null; resendAvailableAt: Date | null }> {
  const { code, audit } = r;
  const m = code.sms;
  const { rows } = await fixedSql<{ state: string | null; refused: 'cooldown' | 'phone' | 'ip' | null; oldest: Date | null; resend_available_at: Date | null }>`
    select * from registration_resend(
      ${r.registrationId}, ${r.expectedState}, ${r.phone}, ${r.language}, ${r.now}, ${r.clientIp},
      ${code.windowStart}, ${r.limits.phone}::int, ${r.limits.ip}::int,
      ${code.id}, ${code.codeHmac}, ${code.expiresAt}, ${code.resendAvailableAt},
      ${m.queue}, ${m.id}, ${m.body}, ${m.bodyEncrypted},
      ${m.priority}::int, ${m.retryLimit}::int, ${m.retryDelay}::int, ${m.retryBackoff}, ${m.expireSeconds}::int,
      ${audit.sent.type}, ${JSON.stringify(audit.sent.details ?? {})}::jsonb, ${audit.refused}, ${audit.subject})`.execute(conn);
  const row = rows[0];
  return {
    state: row.state ?? undefined,
    refused: row.refused,
    oldest: row.oldest ? new Date(row.oldest) : null,
    resendAvailableAt: row.resend_available_at ? new Date(row.resend_available_at) : null,
  };
}

/**
 * The registration as it was, and in the same statement its idle expiry extended — if the token
 * matches, its state is not one of `closed`, and it has not idled out (`neverIdle` states do not).
 * The caller decides on the row returned with the same rules (registration.rules.ts), so the touch
 * happened exactly when the call is authorised.
 */
export async function findAndTouch(
  conn: DbOrTx,
  id: string,
  t: { tokenHash: Buffer; closed: readonly string[]; neverIdle: readonly string[]; now: Date; expiresAt: Date },
): Promise<RegistrationRow | undefined> {
  const { rows } = await fixedSql<RegistrationRow>`
    with touched as (
      update registrations set updated_at = ${t.now}, expires_at = ${t.expiresAt}
      where id = ${id} and token_hash = ${t.tokenHash}
        and state <> all(${[...t.closed]}::text[])
        and (state = any(${[...t.neverIdle]}::text[]) or expires_at > ${t.now})
      returning id)
    select r.* from registrations r where r.id = ${id}`.execute(conn);
  return rows[0];
}

export type CodeVerification = 'ok' | 'OTP_INVALID' | 'OTP_EXPIRED' | 'OTP_ATTEMPTS_EXCEEDED';

/**
 * The code step in one round trip (registration_code_step, migration 0022): the registration's row
 * locked and touched as `findAndTouch` does, then — if authorised and still in `move.from` — its
 * latest code judged (`otp_judge`), the attempt recorded whatever the result, the move (checked
 * against the transition table first, as `transition` does) for a right code, and the audit event.
 * Returns the row's token hash, state and idle expiry as found (`registration` undefined: none) for
 * the caller's authorisation, and the verification (null: not authorised, or in another state).
 */
export async function codeStep(
  conn: DbOrTx,
  a: {
    id: string;
    tokenHash: Buffer;
    closed: readonly string[];
    neverIdle: readonly string[];
    now: Date;
    expiresAt: Date;
    move: { from: RegistrationState; to: RegistrationState; by: TransitionActor };
    codeHmac: Buffer;
    maxAttempts: number;
    clientIp: string;
    audit: { verified: Extract<AuditEventType, 'otp.verified'>; failed: Extract<AuditEventType, 'otp.failed'>; locked: Extract<AuditEventType, 'otp.locked'> };
  },
): Promise<{
  registration: { token_hash: Buffer; state: string; expires_at: Date } | undefined;
  verification: CodeVerification | null;
  attemptsLeft: number | null;
}> {
  const allowed = findTransition(a.move.from, a.move.to, a.move.by);
  if (!allowed) throw new AppError('INVALID_STATE', { state: a.move.from });
  const { rows } = await fixedSql<{ reg_token_hash: Buffer | null; reg_state: string | null; reg_expires_at: Date | null; verification: CodeVerification | null; attempts_left: number | null }>`
    select * from registration_code_step(
      ${a.id}, ${a.tokenHash}, ${[...a.closed]}::text[], ${[...a.neverIdle]}::text[], ${a.now}, ${a.expiresAt},
      ${allowed.from}, ${allowed.to}, ${a.codeHmac}, ${a.maxAttempts}::int, ${a.clientIp},
      ${a.audit.verified}, ${a.audit.failed}, ${a.audit.locked})`.execute(conn);
  const row = rows[0];
  const registration = row.reg_state === null ? undefined : { token_hash: row.reg_token_hash!, state: row.reg_state, expires_at: row.reg_expires_at! };
  return { registration, verification: row.verification, attemptsLeft: row.attempts_left };
}
