// The citizen's sign-ins and sessions, and the Digital ID they belong to. The only SQL of src/session.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { Assurance, SessionMethod } from './session.rules.js';

export async function findProfileByRegistration(conn: DbOrTx, registrationId: string) {
  return conn.selectFrom('digital_profiles').select(['id', 'blocked_at']).where('registration_id', '=', registrationId).executeTakeFirst();
}

export async function findProfileByPhone(conn: DbOrTx, phone: string) {
  return conn
    .selectFrom('digital_profiles')
    .select(['id', 'blocked_at'])
    .where('phone', '=', phone)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
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

export async function insertSignin(
  conn: DbOrTx,
  signin: { id: string; handleHash: Buffer; phone: string; profileId: string | null; language: string; clientIp: string; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('signins')
    .values({
      id: signin.id,
      handle_hash: signin.handleHash,
      phone: signin.phone,
      profile_id: signin.profileId,
      language: signin.language,
      client_ip: signin.clientIp,
      status: 'pending',
      created_at: signin.now,
      expires_at: signin.expiresAt,
    })
    .execute();
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

/** The session of a cookie with its Digital ID's block, in one round trip. */
export async function findSessionByToken(conn: DbOrTx, tokenHash: Buffer) {
  return conn
    .selectFrom('citizen_sessions as s')
    .innerJoin('digital_profiles as p', 'p.id', 's.profile_id')
    .select(['s.id', 's.profile_id', 's.assurance', 's.high_assurance_until', 's.created_at', 's.last_seen_at', 's.ended_at', 'p.blocked_at'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** A passed face step-up: the open session is held at `high` until `until`. False when it has ended. */
export async function raiseToHigh(conn: DbOrTx, id: string, until: Date): Promise<boolean> {
  const result = await conn.updateTable('citizen_sessions').set({ high_assurance_until: until }).where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function touchSession(conn: DbOrTx, id: string, now: Date): Promise<void> {
  await conn.updateTable('citizen_sessions').set({ last_seen_at: now }).where('id', '=', id).where('ended_at', 'is', null).execute();
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
