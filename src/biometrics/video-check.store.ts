// SQL of the video check: its rows, and the registration columns it owns (failed checks, lock).
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

export async function insertVideoCheck(conn: DbOrTx, c: { id: string; registrationId: string; challenges: Challenge[]; now: Date; expiresAt: Date }): Promise<void> {
  await conn
    .insertInto('video_checks')
    .values({ id: c.id, registration_id: c.registrationId, challenges: JSON.stringify(c.challenges), status: 'pending', created_at: c.now, expires_at: c.expiresAt })
    .execute();
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

export async function lockRegistrationRow(conn: DbOrTx, id: string): Promise<{ state: string; failed_video_checks: number; locked_until: Date | null; phone: string; language: string; iin: string | null } | null> {
  const row = await conn
    .selectFrom('registrations')
    .select(['state', 'failed_video_checks', 'locked_until', 'phone', 'language', 'iin'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row ? { ...row, locked_until: row.locked_until ? new Date(row.locked_until) : null } : null;
}

export async function setVideoCheckFailures(conn: DbOrTx, id: string, failed: number, lockedUntil: Date | null, now: Date): Promise<void> {
  await conn.updateTable('registrations').set({ failed_video_checks: failed, locked_until: lockedUntil, updated_at: now }).where('id', '=', id).execute();
}

export async function setRegistrationUnderReview(conn: DbOrTx, id: string, now: Date): Promise<void> {
  await conn
    .updateTable('registrations')
    .set({ state: 'UNDER_REVIEW', failed_video_checks: 0, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'AWAITING_VIDEO_CHECK')
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
