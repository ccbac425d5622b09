// SQL of the per-subject failure count and lock (video_check_locks), and the checks in flight.
import type { DbOrTx } from '../platform/db/database.js';
import { FAILURE_MEMORY_MS, type SubjectLock } from './video-check-lock.rules.js';

export interface SubjectKey {
  kind: 'iin' | 'phone';
  /** HMAC of the IIN or phone: the table never holds either. */
  hash: Buffer;
}

/** A fixed order (IIN before phone) so two transactions never wait for each other's rows in a cycle. */
function ordered(subjects: readonly SubjectKey[]): SubjectKey[] {
  return [...subjects].sort((a, b) => a.kind.localeCompare(b.kind) || Buffer.compare(a.hash, b.hash));
}

function toLock(row: { failed_checks: number; locked_until: Date | null; updated_at: Date }): SubjectLock {
  return { failedChecks: row.failed_checks, lockedUntil: row.locked_until ? new Date(row.locked_until) : null, updatedAt: new Date(row.updated_at) };
}

export async function readSubjects(conn: DbOrTx, subjects: readonly SubjectKey[]): Promise<SubjectLock[]> {
  if (subjects.length === 0) return [];
  const rows = await conn
    .selectFrom('video_check_locks')
    .select(['failed_checks', 'locked_until', 'updated_at'])
    .where((eb) => eb.or(subjects.map((s) => eb.and([eb('subject_kind', '=', s.kind), eb('subject_hash', '=', s.hash)]))))
    .execute();
  return rows.map(toLock);
}

/** Creates the subjects' rows if needed and holds them (FOR UPDATE) until the transaction ends. */
export async function lockSubjects(conn: DbOrTx, subjects: readonly SubjectKey[], now: Date): Promise<SubjectLock[]> {
  const rows = [];
  for (const s of ordered(subjects)) {
    // The retention job may delete a spent row between the insert and the read: insert again then.
    let row;
    for (let attempt = 0; !row && attempt < 3; attempt++) {
      await conn
        .insertInto('video_check_locks')
        .values({ subject_kind: s.kind, subject_hash: s.hash, failed_checks: 0, locked_until: null, updated_at: now })
        .onConflict((oc) => oc.columns(['subject_kind', 'subject_hash']).doNothing())
        .execute();
      row = await conn
        .selectFrom('video_check_locks')
        .select(['failed_checks', 'locked_until', 'updated_at'])
        .where('subject_kind', '=', s.kind)
        .where('subject_hash', '=', s.hash)
        .forUpdate()
        .executeTakeFirst();
    }
    if (!row) throw new Error('video_check_locks row vanished three times');
    rows.push(toLock(row));
  }
  return rows;
}

export async function saveSubjects(conn: DbOrTx, subjects: readonly SubjectKey[], lock: Omit<SubjectLock, 'updatedAt'>, now: Date): Promise<void> {
  for (const s of ordered(subjects)) {
    await conn
      .updateTable('video_check_locks')
      .set({ failed_checks: lock.failedChecks, locked_until: lock.lockedUntil, updated_at: now })
      .where('subject_kind', '=', s.kind)
      .where('subject_hash', '=', s.hash)
      .execute();
  }
}

/** Checks being analysed now for any registration or step-up of this phone or IIN. */
export async function countChecksInFlight(conn: DbOrTx, person: { phone: string; iin: string | null }, now: Date): Promise<number> {
  const row = await conn
    .selectFrom('video_checks as c')
    .leftJoin('registrations as r', 'r.id', 'c.registration_id')
    .leftJoin('digital_profiles as p', 'p.id', 'c.profile_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('c.status', '=', 'processing')
    .where('c.expires_at', '>', now)
    .where((eb) =>
      eb.or([
        eb('r.phone', '=', person.phone),
        eb('p.phone', '=', person.phone),
        ...(person.iin ? [eb('r.iin', '=', person.iin), eb('p.iin', '=', person.iin)] : []),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deletes the rows that no longer count (video-check-lock.rules.ts `isSpent`); how many went. */
export async function deleteSpentLocks(conn: DbOrTx, now: Date): Promise<number> {
  const result = await conn
    .deleteFrom('video_check_locks')
    .where((eb) =>
      eb.or([
        eb.and([eb('locked_until', 'is not', null), eb('locked_until', '<=', now)]),
        eb.and([eb('locked_until', 'is', null), eb('updated_at', '<', new Date(now.getTime() - FAILURE_MEMORY_MS))]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
