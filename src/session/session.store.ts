// The citizen's sign-ins and sessions, and the Digital ID they belong to. The only SQL of src/session.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { Assurance, SessionMethod } from './session.rules.js';
import type { PreparedOtp } from '../otp/otp.service.js';
import type { PreparedSms } from '../sms/sms.outbound.js';
import type { AuditEventType } from '../audit/audit.store.js';

export async function findProfileByRegistration(conn: DbOrTx, registrationId: string) {
  return conn.selectFrom('digital_profiles').select(['id', 'blocked_at']).where('registration_id', '=', registrationId).executeTakeFirst();
}

export async function findProfile(conn: DbOrTx, id: string, options: { forUpdate?: boolean } = {}) {
  let query = conn.selectFrom('digital_profiles').selectAll().where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findProfileByIin(conn: DbOrTx, iin: string, options: { forUpdate?: boolean } = {}) {
  let query = conn.selectFrom('digital_profiles').selectAll().where('iin', '=', iin);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Digital IDs as staff look them up: by IIN, by phone, or (`blocked`) those blocked now, latest block first. */
export async function findDigitalIds(conn: DbOrTx, by: { iin: string } | { phone: string } | { blocked: true }, limit: number) {
  let query = conn.selectFrom('digital_profiles').select(['id', 'iin', 'phone', 'created_at', 'blocked_at']);
  if ('iin' in by) query = query.where('iin', '=', by.iin);
  else if ('phone' in by) query = query.where('phone', '=', by.phone);
  else query = query.where('blocked_at', 'is not', null);
  return query.orderBy('blocked_at', 'desc').orderBy('created_at', 'desc').limit(limit).execute();
}

/** The block and unblock records of these Digital IDs, newest first. */
export async function blockEvents(conn: DbOrTx, profileIds: string[]) {
  if (profileIds.length === 0) return [];
  return conn
    .selectFrom('audit_events')
    .select(['profile_id', 'type', 'at', 'actor', 'client_ip', 'details'])
    .where('profile_id', 'in', profileIds)
    .where('type', 'in', ['digital_id.blocked', 'digital_id.unblocked'])
    .orderBy('at', 'desc')
    .execute();
}

export async function setProfileBlocked(conn: DbOrTx, id: string, blockedAt: Date | null): Promise<void> {
  await conn.updateTable('digital_profiles').set({ blocked_at: blockedAt }).where('id', '=', id).execute();
}

/** The sign-in of a handle as it is, unlocked (a resend reads its phone and language before its one call). */
export async function findSignin(conn: DbOrTx, handleHash: Buffer) {
  return conn.selectFrom('signins').select(['id', 'phone', 'language', 'status', 'expires_at']).where('handle_hash', '=', handleHash).executeTakeFirst();
}

export async function findSigninForUpdate(conn: DbOrTx, handleHash: Buffer) {
  return conn.selectFrom('signins').selectAll().where('handle_hash', '=', handleHash).forUpdate().executeTakeFirst();
}

export async function completeSignin(conn: DbOrTx, id: string, now: Date): Promise<void> {
  await conn.updateTable('signins').set({ status: 'completed', completed_at: now }).where('id', '=', id).execute();
}

export async function insertSession(
  conn: DbOrTx,
  session: {
    id: string;
    tokenHash: Buffer;
    profileId: string;
    assurance: Assurance;
    method: SessionMethod;
    userAgent: string | null;
    clientIp: string | null;
    now: Date;
    sourceRegistrationId?: string;
  },
): Promise<boolean> {
  const inserted = await conn
    .insertInto('citizen_sessions')
    .values({
      id: session.id,
      token_hash: session.tokenHash,
      profile_id: session.profileId,
      assurance: session.assurance,
      method: session.method,
      user_agent: session.userAgent,
      client_ip: session.clientIp,
      created_at: session.now,
      last_seen_at: session.now,
      source_registration_id: session.sourceRegistrationId ?? null,
    })
    .onConflict((oc) => oc.column('source_registration_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * The session of a cookie with its Digital ID's block, as it was, and in the same statement its last
 * use moved to `now` — if it is still open, not blocked, and within both timeouts (`activeAfter`: the
 * session-lifetime rule's cutoffs). The caller decides on the row returned with that same rule, so the
 * touch happened exactly when the call is authenticated.
 */
export async function findAndTouchSession(conn: DbOrTx, tokenHash: Buffer, now: Date, activeAfter: { createdAt: Date; lastSeenAt: Date }) {
  const { rows } = await sql<{
    id: string;
    profile_id: string;
    assurance: Assurance;
    high_assurance_until: Date | null;
    created_at: Date;
    last_seen_at: Date;
    ended_at: Date | null;
    blocked_at: Date | null;
  }>`
    with found as (
      select s.id, s.profile_id, s.assurance, s.high_assurance_until, s.created_at, s.last_seen_at, s.ended_at, p.blocked_at
      from citizen_sessions s join digital_profiles p on p.id = s.profile_id
      where s.token_hash = ${tokenHash}),
    touched as (
      update citizen_sessions c set last_seen_at = ${now}
      from found f
      where c.id = f.id and c.ended_at is null and f.blocked_at is null
        and c.created_at > ${activeAfter.createdAt} and c.last_seen_at > ${activeAfter.lastSeenAt}
      returning c.id)
    select * from found`.execute(conn);
  return rows[0];
}

/** A passed face step-up: the open session is held at `high` until `until`. False when it has ended. */
export async function raiseToHigh(conn: DbOrTx, id: string, until: Date): Promise<boolean> {
  const result = await conn.updateTable('citizen_sessions').set({ high_assurance_until: until }).where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ends one session of the Digital ID; false when it is not theirs or already ended. */
export async function endSession(conn: DbOrTx, profileId: string, id: string, reason: string, now: Date): Promise<boolean> {
  const result = await conn
    .updateTable('citizen_sessions')
    .set({ ended_at: now, end_reason: reason })
    .where('id', '=', id)
    .where('profile_id', '=', profileId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ends every open session of the Digital ID; returns how many. */
export async function endAllSessions(conn: DbOrTx, profileId: string, reason: string, now: Date): Promise<number> {
  const result = await conn
    .updateTable('citizen_sessions')
    .set({ ended_at: now, end_reason: reason })
    .where('profile_id', '=', profileId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Open sessions still within both timeouts, newest use first. */
export async function listActiveSessions(conn: DbOrTx, profileId: string, now: Date, limits: { idleTimeoutSeconds: number; absoluteTimeoutSeconds: number }) {
  return conn
    .selectFrom('citizen_sessions')
    .select(['id', 'assurance', 'high_assurance_until', 'method', 'user_agent', 'client_ip', 'created_at', 'last_seen_at'])
    .where('profile_id', '=', profileId)
    .where('ended_at', 'is', null)
    .where('last_seen_at', '>', new Date(now.getTime() - limits.idleTimeoutSeconds * 1000))
    .where('created_at', '>', new Date(now.getTime() - limits.absoluteTimeoutSeconds * 1000))
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** The Digital ID's own audit events (and those of the registration that made it), newest first. */
export async function listActivity(conn: DbOrTx, profile: { id: string; registrationId: string }, types: readonly string[], limit: number) {
  return conn
    .selectFrom('audit_events')
    .select(['id', 'type', 'at', 'client_ip', 'details'])
    .where((eb) => eb.or([eb('profile_id', '=', profile.id), eb('registration_id', '=', profile.registrationId)]))
    .where('type', 'in', [...types])
    .orderBy('at', 'desc')
    .orderBy(sql`id`, 'desc')
    .limit(limit)
    .execute();
}

/**
 * A sign-in's start in one round trip (signin_start, migration 0019): under the phone's lock the
 * sign-in send limits, then the sign-in with the phone's Digital ID, its code, the SMS that fits the
 * Digital ID (`sms`: the code, how to register, or that it is blocked) with its job, and the audit
 * event. Over a limit nothing is written. Returns the limit that refused it, or the SMS chosen.
 */
export async function startSignin(
  conn: DbOrTx,
  s: {
    id: string;
    handleHash: Buffer;
    phone: string;
    language: string;
    clientIp: string;
    now: Date;
    expiresAt: Date;
    limits: { phone: number; ip: number };
    code: PreparedOtp;
    sms: { code: PreparedSms; unregistered: PreparedSms; blocked: PreparedSms };
    audit: { type: Extract<AuditEventType, 'signin.started'>; subject: string };
  },
): Promise<{ refused: 'phone' | 'ip' | null; oldest: Date | null; sms: PreparedSms | null }> {
  const { code } = s;
  const choices = [s.sms.code, s.sms.unregistered, s.sms.blocked];
  const m = s.sms.code;
  const { rows } = await sql<{ refused: 'phone' | 'ip' | null; oldest: Date | null; sms: number | null }>`
    select * from signin_start(
      ${s.id}, ${s.handleHash}, ${s.phone}, ${s.language}, ${s.clientIp}, ${s.now}, ${s.expiresAt},
      ${code.windowStart}, ${s.limits.phone}::int, ${s.limits.ip}::int,
      ${code.id}, ${code.codeHmac}, ${code.expiresAt}, ${code.resendAvailableAt},
      ${m.queue}, ${choices.map((c) => c.id)}::uuid[], ${choices.map((c) => c.purpose)}::text[], ${choices.map((c) => c.body)}::text[],
      ${choices.map((c) => c.bodyEncrypted)}::bytea[], ${choices.map((c) => c.priority)}::int[],
      ${m.retryLimit}::int, ${m.retryDelay}::int, ${m.retryBackoff}, ${m.expireSeconds}::int,
      ${s.audit.type}, ${s.audit.subject})`.execute(conn);
  const row = rows[0];
  return { refused: row.refused, oldest: row.oldest ? new Date(row.oldest) : null, sms: row.sms ? choices[row.sms - 1] : null };
}

export type SigninVerifyOutcome =
  | 'ok'
  | 'SIGNIN_NOT_FOUND'
  | 'SIGNIN_EXPIRED'
  | 'OTP_INVALID'
  | 'OTP_EXPIRED'
  | 'OTP_ATTEMPTS_EXCEEDED'
  | 'DIGITAL_ID_NOT_FOUND'
  | 'DIGITAL_ID_BLOCKED';

/**
 * A sign-in's code in one round trip (signin_verify, migration 0019): the pending sign-in and its
 * latest code locked, the attempt recorded whatever the result (a failure audited), and for a right
 * code that leads to a usable Digital ID the sign-in completed and the session opened with its audit event.
 */
export async function verifySignin(
  conn: DbOrTx,
  v: {
    handleHash: Buffer;
    signinId: string;
    codeHmac: Buffer;
    now: Date;
    maxAttempts: number;
    clientIp: string;
    session: { id: string; tokenHash: Buffer; method: SessionMethod; assurance: Assurance; userAgent: string | null };
    audit: { failed: Extract<AuditEventType, 'signin.failed'>; started: Extract<AuditEventType, 'session.started'> };
  },
): Promise<{ outcome: SigninVerifyOutcome; attemptsLeft: number | null }> {
  const { session } = v;
  const { rows } = await sql<{ outcome: SigninVerifyOutcome; attempts_left: number | null }>`
    select * from signin_verify(
      ${v.handleHash}, ${v.signinId}, ${v.codeHmac}, ${v.now}, ${v.maxAttempts}::int, ${v.clientIp},
      ${session.id}, ${session.tokenHash}, ${session.method}, ${session.assurance}, ${session.userAgent},
      ${v.audit.failed}, ${v.audit.started})`.execute(conn);
  return { outcome: rows[0].outcome, attemptsLeft: rows[0].attempts_left };
}

/**
 * A sign-in's resend in one round trip (signin_resend, migration 0024): under the sign-in's row lock
 * it must still be pending (SIGNIN_NOT_FOUND / SIGNIN_EXPIRED otherwise); the latest code's cooldown,
 * the sign-in send limits under the phone's lock, then the active code voided and the new one with
 * the SMS that fits the Digital ID (`sms`: the code, how to register, or that it is blocked) and its
 * job. Refused (cooldown or a limit): nothing written.
 */
export async function resendSignin(
  conn: DbOrTx,
  s: {
    handleHash: Buffer;
    id: string;
    clientIp: string;
    now: Date;
    limits: { phone: number; ip: number };
    code: PreparedOtp;
    sms: { code: PreparedSms; unregistered: PreparedSms; blocked: PreparedSms };
  },
): Promise<
  | { outcome: 'ok'; sms: PreparedSms }
  | { outcome: 'refused'; refused: 'cooldown'; resendAvailableAt: Date | null }
  | { outcome: 'refused'; refused: 'phone' | 'ip'; oldest: Date | null }
  | { outcome: 'SIGNIN_NOT_FOUND' | 'SIGNIN_EXPIRED' }
> {
  const { code } = s;
  const choices = [s.sms.code, s.sms.unregistered, s.sms.blocked];
  const m = s.sms.code;
  const { rows } = await sql<{
    outcome: 'ok' | 'refused' | 'SIGNIN_NOT_FOUND' | 'SIGNIN_EXPIRED';
    refused: 'cooldown' | 'phone' | 'ip' | null;
    oldest: Date | null;
    resend_available_at: Date | null;
    sms: number | null;
  }>`
    select * from signin_resend(
      ${s.handleHash}, ${s.id}, ${s.now}, ${s.clientIp},
      ${code.windowStart}, ${s.limits.phone}::int, ${s.limits.ip}::int,
      ${code.id}, ${code.codeHmac}, ${code.expiresAt}, ${code.resendAvailableAt},
      ${m.queue}, ${choices.map((c) => c.id)}::uuid[], ${choices.map((c) => c.purpose)}::text[], ${choices.map((c) => c.body)}::text[],
      ${choices.map((c) => c.bodyEncrypted)}::bytea[], ${choices.map((c) => c.priority)}::int[],
      ${m.retryLimit}::int, ${m.retryDelay}::int, ${m.retryBackoff}, ${m.expireSeconds}::int)`.execute(conn);
  const row = rows[0];
  if (row.outcome === 'ok') return { outcome: 'ok', sms: choices[row.sms! - 1] };
  if (row.outcome !== 'refused') return { outcome: row.outcome };
  if (row.refused === 'cooldown') return { outcome: 'refused', refused: 'cooldown', resendAvailableAt: row.resend_available_at ? new Date(row.resend_available_at) : null };
  return { outcome: 'refused', refused: row.refused!, oldest: row.oldest ? new Date(row.oldest) : null };
}
