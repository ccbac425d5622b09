// SQL for the moderator's side of moderation_cases: the queue, claims and the one-time decision.
// (Cases are opened by the biometrics module's moderation-case.store.ts.) claimed_by and decided_by
// hold the staff login, which is unique and never changes.
import type { DbOrTx } from '../platform/db/database.js';
import { claimCutoff } from '../staff/claim.rules.js';

export type CaseStatus = 'open' | 'approved' | 'rejected';

export interface CaseQueueFilter {
  status: CaseStatus;
  claim: 'all' | 'mine' | 'unclaimed';
  staffLogin: string;
  overdueOnly: boolean;
  now: Date;
  limit: number;
}

function caseWithContext(conn: DbOrTx) {
  return conn
    .selectFrom('moderation_cases as m')
    .innerJoin('registrations as r', 'r.id', 'm.registration_id')
    .select([
      'm.id',
      'm.registration_id',
      'm.video_check_id',
      'm.status',
      'm.similarity',
      'm.liveness_score',
      'm.reasons',
      'm.created_at',
      'm.due_at',
      'm.claimed_by',
      'm.claimed_at',
      'm.decided_by',
      'm.decided_at',
      'm.decision_reason',
      'm.decision_note',
      'm.evidence_delete_after',
      'm.evidence_deleted_at',
      'r.state as registration_state',
      'r.phone',
      'r.iin',
      'r.masked_name',
      'r.language',
    ]);
}

export type CaseWithContext = NonNullable<Awaited<ReturnType<typeof findCaseWithContext>>>;

export async function listCases(conn: DbOrTx, f: CaseQueueFilter) {
  let q = caseWithContext(conn).where('m.status', '=', f.status);
  // open cases oldest first (the 24-hour target runs from creation); decided ones newest first
  q = f.status === 'open' ? q.orderBy('m.created_at', 'asc') : q.orderBy('m.decided_at', 'desc');
  if (f.claim === 'mine') q = q.where('m.claimed_by', '=', f.staffLogin).where('m.claimed_at', '>', claimCutoff(f.now));
  if (f.claim === 'unclaimed') q = q.where((eb) => eb.or([eb('m.claimed_by', 'is', null), eb('m.claimed_at', '<=', claimCutoff(f.now))]));
  if (f.overdueOnly) q = q.where('m.due_at', '<', f.now);
  return q.limit(f.limit).execute();
}

export async function findCaseWithContext(conn: DbOrTx, id: string) {
  return caseWithContext(conn).where('m.id', '=', id).executeTakeFirst();
}

export async function lockCase(conn: DbOrTx, id: string) {
  return conn
    .selectFrom('moderation_cases')
    .select(['id', 'registration_id', 'status', 'claimed_by', 'claimed_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function findEvidence(conn: DbOrTx, id: string) {
  return conn.selectFrom('moderation_cases').select(['id', 'video_check_id', 'evidence_encrypted', 'evidence_deleted_at']).where('id', '=', id).executeTakeFirst();
}

export async function setClaim(conn: DbOrTx, id: string, staffLogin: string | null, now: Date | null): Promise<void> {
  await conn.updateTable('moderation_cases').set({ claimed_by: staffLogin, claimed_at: now }).where('id', '=', id).execute();
}

/** Records the decision on an open case; false when it was decided meanwhile. */
export async function saveDecision(
  conn: DbOrTx,
  id: string,
  d: { status: Exclude<CaseStatus, 'open'>; staffLogin: string; reason: string; note: string | null; now: Date; evidenceDeleteAfter: Date },
): Promise<boolean> {
  const result = await conn
    .updateTable('moderation_cases')
    .set({
      status: d.status,
      decided_by: d.staffLogin,
      decided_at: d.now,
      decision_reason: d.reason,
      decision_note: d.note,
      evidence_delete_after: d.evidenceDeleteAfter,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
