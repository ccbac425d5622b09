// SQL for BMG-update tickets.
import { sql, type Selectable } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { AssistantTicketsTable } from '../platform/db/schema.js';
import type { Checklist, TicketStatus } from './assistant.rules.js';

export type TicketRow = Selectable<AssistantTicketsTable>;

export async function insertTicket(
  conn: DbOrTx,
  t: { id: string; registrationId: string; phone: string; iin: string; language: string; note: string; now: Date },
): Promise<boolean> {
  const result = await conn
    .insertInto('assistant_tickets')
    .values({
      id: t.id,
      registration_id: t.registrationId,
      phone: t.phone,
      iin: t.iin,
      language: t.language,
      note: t.note,
      status: 'open',
      created_at: t.now,
      updated_at: t.now,
    })
    // The partial unique index allows one open ticket per registration. Its predicate is a literal, not a
    // parameter: a prepared statement's generic plan cannot match a partial index to `status = $1`.
    .onConflict((oc) => oc.column('registration_id').where('status', '=', sql.lit('open')).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findTicket(conn: DbOrTx, id: string, options: { forUpdate?: boolean } = {}): Promise<TicketRow | undefined> {
  let q = conn.selectFrom('assistant_tickets').selectAll().where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findOpenTicketOfRegistration(conn: DbOrTx, registrationId: string): Promise<TicketRow | undefined> {
  return conn.selectFrom('assistant_tickets').selectAll().where('registration_id', '=', registrationId).where('status', '=', 'open').executeTakeFirst();
}

export interface TicketListFilter {
  status: TicketStatus | 'all';
  limit: number;
}

export async function listTickets(conn: DbOrTx, filter: TicketListFilter) {
  let q = conn
    .selectFrom('assistant_tickets as t')
    .leftJoin('staff_accounts as c', 'c.id', 't.claimed_by')
    .leftJoin('staff_accounts as r', 'r.id', 't.resolved_by')
    .selectAll('t')
    .select(['c.login as claimed_by_login', 'r.login as resolved_by_login'])
    .orderBy('t.created_at', 'asc')
    .limit(filter.limit);
  if (filter.status !== 'all') q = q.where('t.status', '=', filter.status);
  return q.execute();
}

export async function findTicketWithStaff(conn: DbOrTx, id: string) {
  return conn
    .selectFrom('assistant_tickets as t')
    .leftJoin('staff_accounts as c', 'c.id', 't.claimed_by')
    .leftJoin('staff_accounts as r', 'r.id', 't.resolved_by')
    .selectAll('t')
    .select(['c.login as claimed_by_login', 'r.login as resolved_by_login'])
    .where('t.id', '=', id)
    .executeTakeFirst();
}

export async function claimTicket(conn: DbOrTx, id: string, staffId: string, now: Date): Promise<void> {
  await conn.updateTable('assistant_tickets').set({ claimed_by: staffId, claimed_at: now, updated_at: now }).where('id', '=', id).execute();
}

/** Closes an open ticket; false when it was no longer open. */
export async function closeTicket(
  conn: DbOrTx,
  id: string,
  c: { status: Exclude<TicketStatus, 'open'>; staffId: string; checklist: Checklist; note: string | null; now: Date },
): Promise<boolean> {
  const result = await conn
    .updateTable('assistant_tickets')
    .set({
      status: c.status,
      resolved_by: c.staffId,
      resolved_at: c.now,
      checklist: JSON.stringify(c.checklist),
      resolution_note: c.note,
      updated_at: c.now,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether the registration made a Digital ID (then its tickets are for a change of phone). */
export async function registrationMadeDigitalId(conn: DbOrTx, registrationId: string): Promise<boolean> {
  const row = await conn.selectFrom('digital_profiles').select('id').where('registration_id', '=', registrationId).executeTakeFirst();
  return row !== undefined;
}
