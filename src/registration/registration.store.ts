import { isUniqueViolation, PROFILE_PHONE_KEY } from '../platform/db/constraint-errors.js';
import type { DbOrTx } from '../platform/db/database.js';
import type { RegistrationsTable } from '../platform/db/schema.js';
import { sql, type Selectable } from 'kysely';
import { AppError } from '../platform/errors/app-error.js';
import type { LatestCode, PreparedOtp } from '../otp/otp.service.js';
import type { AuditEvent } from '../audit/audit.store.js';
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
 * A start in one round trip (registration_start, migration 0011): under the phone's lock, the send
 * limits are counted and either the registration, its first code, the SMS with its job and the audit
 * event are written, or only the refusal's audit event. Returns the limit that refused it, if any.
 */
export async function startRegistration(
  conn: DbOrTx,
  r: {
    id: string;
    tokenHash: Buffer;
    phone: string;
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
  const { rows } = await sql<{ refused: 'phone' | 'ip' | null; oldest: Date | null }>`
    select refused, oldest from registration_start(
      ${r.id}, ${r.tokenHash}, ${INITIAL_STATE}, ${r.phone}, ${r.language}, ${r.now}, ${r.expiresAt},
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
  const { rows } = await sql<{ state: string | null; refused: 'cooldown' | 'phone' | 'ip' | null; oldest: Date | null; resend_available_at: Date | null }>`
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

/** A registration as authorised, with its latest code when the step asked for it (`withLatestCode`). */
export type AuthorizedRow = RegistrationRow & { latestCode?: { latest: LatestCode | undefined } };

/**
 * The registration as it was, and in the same statement its idle expiry extended — if the token
 * matches, its state is not one of `closed`, and it has not idled out (`neverIdle` states do not).
 * The caller decides on the row returned with the same rules (registration.rules.ts), so the touch
 * happened exactly when the call is authorised. `withLatestCode`: the registration's latest code
 * too, read unlocked as the code step reads it (it saves that step a round trip).
 */
export async function findAndTouch(
  conn: DbOrTx,
  id: string,
  t: { tokenHash: Buffer; closed: readonly string[]; neverIdle: readonly string[]; now: Date; expiresAt: Date; withLatestCode?: boolean },
): Promise<AuthorizedRow | undefined> {
  const codeColumns = t.withLatestCode
    ? sql`, c.id as code_id, c.code_hmac as code_hmac, c.status as code_status, c.attempts as code_attempts, c.expires_at as code_expires_at`
    : sql``;
  const codeJoin = t.withLatestCode
    ? sql`left join lateral (select id, code_hmac, status, attempts, expires_at from otp_codes where registration_id = r.id order by created_at desc limit 1) c on true`
    : sql``;
  const { rows } = await sql<RegistrationRow & Partial<{ code_id: string | null; code_hmac: Buffer; code_status: LatestCode['status']; code_attempts: number; code_expires_at: Date }>>`
    with touched as (
      update registrations set updated_at = ${t.now}, expires_at = ${t.expiresAt}
      where id = ${id} and token_hash = ${t.tokenHash}
        and state <> all(${[...t.closed]}::text[])
        and (state = any(${[...t.neverIdle]}::text[]) or expires_at > ${t.now})
      returning id)
    select r.* ${codeColumns} from registrations r ${codeJoin} where r.id = ${id}`.execute(conn);
  const row = rows[0];
  if (!row || !t.withLatestCode) return row;
  const { code_id, code_hmac, code_status, code_attempts, code_expires_at, ...registration } = row;
  const latest = code_id ? { id: code_id, code_hmac: code_hmac!, status: code_status!, attempts: code_attempts!, expires_at: code_expires_at! } : undefined;
  return { ...registration, latestCode: { latest } };
}

/**
 * One attempt at the registration's code, in one statement: the registration's row is locked (as
 * every attempt and resend locks it, so they follow one another) while its state is still `move.from`;
 * the attempt is recorded only if the code is still as it was read (same attempts, still active);
 * then the audit event, and — for a right code — the move (checked against the transition table, as
 * `transition` does). 'changed': the code moved on since it was read (judge it again); 'state': the
 * registration is no longer in `move.from`.
 */
export async function recordOtpAttempt(
  conn: DbOrTx,
  a: {
    registrationId: string;
    code: { id: string; attempts: number };
    record: { attempts: number; status: string };
    move: { from: RegistrationState; to: RegistrationState; by: TransitionActor } | null;
    expectedState: RegistrationState;
    audit: AuditEvent;
    now: Date;
  },
): Promise<'recorded' | 'changed' | 'state'> {
  const allowed = a.move ? findTransition(a.move.from, a.move.to, a.move.by) : null;
  if (a.move && !allowed) throw new AppError('INVALID_STATE', { state: a.move.from });
  const { audit } = a;
  const { rows } = await sql<{ locked: string; recorded: string }>`
    with reg as (
      select id from registrations where id = ${a.registrationId} and state = ${a.expectedState} for update),
    code as (
      update otp_codes set attempts = ${a.record.attempts}::int, status = ${a.record.status}
      where id = ${a.code.id} and attempts = ${a.code.attempts}::int and status = 'active' and exists (select 1 from reg)
      returning registration_id),
    moved as (
      update registrations set state = ${allowed?.to ?? null}, updated_at = ${a.now}
      where ${allowed !== null} and id in (select registration_id from code) and state = ${allowed?.from ?? null}
      returning id),
    audit as (
      insert into audit_events (type, actor, registration_id, subject, client_ip, details)
      select ${audit.type}, ${audit.actor}, registration_id, ${audit.subject ?? null}, ${audit.clientIp ?? null}, ${JSON.stringify(audit.details ?? {})}::jsonb from code)
    select (select count(*) from reg) as locked, (select count(*) from code) as recorded, (select count(*) from moved) as moved`.execute(conn);
  if (Number(rows[0].locked) === 0) return 'state';
  return Number(rows[0].recorded) === 1 ? 'recorded' : 'changed';
}

/** Appends the audit event only while the registration is in `state`; false when it is not (nothing written). */
export async function auditInState(conn: DbOrTx, registrationId: string, state: RegistrationState, audit: AuditEvent): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    insert into audit_events (type, actor, registration_id, subject, client_ip, details)
    select ${audit.type}, ${audit.actor}, id, ${audit.subject ?? null}, ${audit.clientIp ?? null}, ${JSON.stringify(audit.details ?? {})}::jsonb
    from registrations where id = ${registrationId} and state = ${state}
    returning id`.execute(conn);
  return rows.length > 0;
}
