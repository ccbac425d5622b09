// SQL of the video check: its rows (one open per owner; issue counts for the limits). A check belongs to
// a registration, or — a face step-up — to a Digital ID and the session that asked for it.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { Challenge } from './challenges.rules.js';

export type CheckOwner = { kind: 'registration'; registrationId: string } | { kind: 'step_up'; profileId: string; sessionId: string };

export interface VideoCheckRow {
  id: string;
  challenges: Challenge[];
  status: string;
  expires_at: Date;
}

/** The column that names the owner: one open check, and the issue limit, per registration or per Digital ID. */
function ownerColumn(owner: CheckOwner): 'registration_id' | 'profile_id' {
  return owner.kind === 'registration' ? 'registration_id' : 'profile_id';
}

function ownerId(owner: CheckOwner): string {
  return owner.kind === 'registration' ? owner.registrationId : owner.profileId;
}

export async function insertVideoCheck(
  conn: DbOrTx,
  c: { id: string; owner: CheckOwner; challenges: Challenge[]; clientIp: string; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('video_checks')
    .values({
      id: c.id,
      registration_id: c.owner.kind === 'registration' ? c.owner.registrationId : null,
      profile_id: c.owner.kind === 'step_up' ? c.owner.profileId : null,
      session_id: c.owner.kind === 'step_up' ? c.owner.sessionId : null,
      challenges: JSON.stringify(c.challenges),
      status: 'pending',
      client_ip: c.clientIp,
      created_at: c.now,
      expires_at: c.expiresAt,
    })
    .execute();
}

/** A new check voids the owner's unsubmitted ones: one open check, one challenge order at a time. */
export async function abandonPendingChecks(conn: DbOrTx, owner: CheckOwner): Promise<number> {
  const rows = await conn
    .updateTable('video_checks')
    .set({ status: 'abandoned' })
    .where(ownerColumn(owner), '=', ownerId(owner))
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return rows.length;
}

/** Whether one of the owner's checks is being analysed now. */
export async function hasCheckInFlight(conn: DbOrTx, owner: CheckOwner, now: Date): Promise<boolean> {
  const row = await conn
    .selectFrom('video_checks')
    .select('id')
    .where(ownerColumn(owner), '=', ownerId(owner))
    .where('status', '=', 'processing')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

export interface IssueCount {
  count: number;
  oldest: Date | null;
}

/** Checks issued (whatever became of them) for the owner and from the IP since `since`. */
export async function countIssuedSince(conn: DbOrTx, owner: CheckOwner, clientIp: string, since: Date): Promise<{ owner: IssueCount; ip: IssueCount }> {
  const column = sql.ref(ownerColumn(owner));
  const id = ownerId(owner);
  const { rows } = await sql<{ own_count: string; own_oldest: Date | null; ip_count: string; ip_oldest: Date | null }>`
    select count(*) filter (where ${column} = ${id}) as own_count,
           min(created_at) filter (where ${column} = ${id}) as own_oldest,
           count(*) filter (where client_ip = ${clientIp}) as ip_count,
           min(created_at) filter (where client_ip = ${clientIp}) as ip_oldest
    from video_checks
    where created_at > ${since} and (${column} = ${id} or client_ip = ${clientIp})`.execute(conn);
  const row = rows[0];
  return {
    owner: { count: Number(row.own_count), oldest: row.own_oldest ? new Date(row.own_oldest) : null },
    ip: { count: Number(row.ip_count), oldest: row.ip_oldest ? new Date(row.ip_oldest) : null },
  };
}

/** The owner's check; a step-up's only for the session that asked for it. */
export async function findVideoCheck(conn: DbOrTx, id: string, owner: CheckOwner): Promise<VideoCheckRow | null> {
  let query = conn.selectFrom('video_checks').select(['id', 'challenges', 'status', 'expires_at']).where('id', '=', id).where(ownerColumn(owner), '=', ownerId(owner));
  if (owner.kind === 'step_up') query = query.where('session_id', '=', owner.sessionId);
  const row = await query.executeTakeFirst();
  return row ? { ...row, challenges: row.challenges as Challenge[], expires_at: new Date(row.expires_at) } : null;
}

/** pending → processing, once: the single-use guard (a concurrent or replayed submission finds nothing). */
export async function claimVideoCheck(conn: DbOrTx, id: string, now: Date): Promise<boolean> {
  const r = await conn
    .updateTable('video_checks')
    .set({ status: 'processing' })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** processing → pending: the submission was refused as malformed before any judgement. */
export async function releaseVideoCheck(conn: DbOrTx, id: string): Promise<void> {
  await conn.updateTable('video_checks').set({ status: 'pending' }).where('id', '=', id).where('status', '=', 'processing').execute();
}

export async function completeVideoCheck(
  conn: DbOrTx,
  id: string,
  r: { outcome: string; reasons: string[]; similarity: number | null; livenessScore: number | null; trace: Record<string, unknown>; now: Date },
): Promise<void> {
  await conn
    .updateTable('video_checks')
    .set({
      status: 'completed',
      outcome: r.outcome,
      reasons: JSON.stringify(r.reasons),
      similarity: r.similarity,
      liveness_score: r.livenessScore,
      trace: JSON.stringify(r.trace),
      completed_at: r.now,
    })
    .where('id', '=', id)
    .execute();
}

/** Checks never submitted (or left half-way) past their expiry: marked abandoned, their trace dropped. */
export async function abandonExpiredChecks(conn: DbOrTx, before: Date): Promise<number> {
  const rows = await conn
    .updateTable('video_checks')
    .set({ status: 'abandoned', trace: sql`NULL` })
    .where('status', 'in', ['pending', 'processing'])
    .where('expires_at', '<', before)
    .returning('id')
    .execute();
  return rows.length;
}
