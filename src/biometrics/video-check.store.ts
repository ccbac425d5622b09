// SQL of the video check: its rows (one open per registration; issue counts for the limits).
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { Challenge } from './challenges.rules.js';

export interface VideoCheckRow {
  id: string;
  registration_id: string;
  challenges: Challenge[];
  status: string;
  expires_at: Date;
}

export async function insertVideoCheck(
  conn: DbOrTx,
  c: { id: string; registrationId: string; challenges: Challenge[]; clientIp: string; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('video_checks')
    .values({
      id: c.id,
      registration_id: c.registrationId,
      challenges: JSON.stringify(c.challenges),
      status: 'pending',
      client_ip: c.clientIp,
      created_at: c.now,
      expires_at: c.expiresAt,
    })
    .execute();
}

/** A new check voids the registration's unsubmitted ones: one open check, one challenge order at a time. */
export async function abandonPendingChecks(conn: DbOrTx, registrationId: string): Promise<number> {
  const rows = await conn
    .updateTable('video_checks')
    .set({ status: 'abandoned' })
    .where('registration_id', '=', registrationId)
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return rows.length;
}

/** Whether one of the registration's checks is being analysed now. */
export async function hasCheckInFlight(conn: DbOrTx, registrationId: string, now: Date): Promise<boolean> {
  const row = await conn
    .selectFrom('video_checks')
    .select('id')
    .where('registration_id', '=', registrationId)
    .where('status', '=', 'processing')
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

export interface IssueCount {
  count: number;
  oldest: Date | null;
}

/** Checks issued (whatever became of them) for the registration and from the IP since `since`. */
export async function countIssuedSince(conn: DbOrTx, registrationId: string, clientIp: string, since: Date): Promise<{ registration: IssueCount; ip: IssueCount }> {
  const { rows } = await sql<{ reg_count: string; reg_oldest: Date | null; ip_count: string; ip_oldest: Date | null }>`
    select count(*) filter (where registration_id = ${registrationId}) as reg_count,
           min(created_at) filter (where registration_id = ${registrationId}) as reg_oldest,
           count(*) filter (where client_ip = ${clientIp}) as ip_count,
           min(created_at) filter (where client_ip = ${clientIp}) as ip_oldest
    from video_checks
    where created_at > ${since} and (registration_id = ${registrationId} or client_ip = ${clientIp})`.execute(conn);
  const row = rows[0];
  return {
    registration: { count: Number(row.reg_count), oldest: row.reg_oldest ? new Date(row.reg_oldest) : null },
    ip: { count: Number(row.ip_count), oldest: row.ip_oldest ? new Date(row.ip_oldest) : null },
  };
}

export async function findVideoCheck(conn: DbOrTx, id: string, registrationId: string): Promise<VideoCheckRow | null> {
  const row = await conn
    .selectFrom('video_checks')
    .select(['id', 'registration_id', 'challenges', 'status', 'expires_at'])
    .where('id', '=', id)
    .where('registration_id', '=', registrationId)
    .executeTakeFirst();
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
