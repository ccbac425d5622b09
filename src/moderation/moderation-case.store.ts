// Opening moderation cases (by the video check) and deleting their evidence on the retention schedule.
// The moderator console (moderation-queue.store.ts and the rest of src/moderation/) works on the same
// table. Evidence is AES-256-GCM encrypted JSON bound to the case id (see moderation.evidence.ts).
import type { DbOrTx } from '../platform/db/database.js';
import { encrypt } from '../platform/crypto.js';

/** What a moderator sees: JPEGs as base64, the scores and the challenge trace. */
export interface CaseEvidence {
  referencePhoto: string | null;
  frames: string[];
  scores: Record<string, unknown>;
  challengeTrace: unknown[];
  /** The liveness decision's signals, values and thresholds (video-check.rules.ts LivenessEvidence). */
  liveness?: unknown;
}

export function evidenceContext(caseId: string): string {
  return `moderation-case:${caseId}`;
}

/** A case is due within 24 hours of being opened. */
export const CASE_DUE_HOURS = 24;

export async function insertModerationCase(
  conn: DbOrTx,
  key: Buffer,
  c: { id: string; registrationId: string; videoCheckId: string | null; similarity: number | null; livenessScore: number | null; reasons: string[]; evidence: CaseEvidence; now: Date },
): Promise<void> {
  await conn
    .insertInto('moderation_cases')
    .values({
      id: c.id,
      registration_id: c.registrationId,
      video_check_id: c.videoCheckId,
      status: 'open',
      similarity: c.similarity,
      liveness_score: c.livenessScore,
      reasons: JSON.stringify(c.reasons),
      evidence_encrypted: encrypt(key, Buffer.from(JSON.stringify(c.evidence)), evidenceContext(c.id)),
      created_at: c.now,
      due_at: new Date(c.now.getTime() + CASE_DUE_HOURS * 3600_000),
    })
    .execute();
}

/** Deletes the evidence of decided cases whose retention ended; returns how many. */
export async function deleteExpiredEvidence(conn: DbOrTx, now: Date): Promise<number> {
  const rows = await conn
    .updateTable('moderation_cases')
    .set({ evidence_encrypted: null, evidence_deleted_at: now })
    .where('status', '<>', 'open')
    .where('evidence_deleted_at', 'is', null)
    .where('evidence_delete_after', 'is not', null)
    .where('evidence_delete_after', '<=', now)
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Evidence of abandoned cases: open cases whose registration was deleted or expired long ago are never
 * decided; their evidence goes after the retention period counted from opening.
 */
export async function deleteAbandonedEvidence(conn: DbOrTx, openedBefore: Date, now: Date): Promise<number> {
  const rows = await conn
    .updateTable('moderation_cases')
    .set({ evidence_encrypted: null, evidence_deleted_at: now })
    .where('status', '=', 'open')
    .where('evidence_deleted_at', 'is', null)
    .where('created_at', '<', openedBefore)
    .returning('id')
    .execute();
  return rows.length;
}
