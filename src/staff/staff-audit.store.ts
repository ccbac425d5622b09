// Reading the audit log for the admin console (writing goes through audit/audit.store.ts).
import type { DbOrTx } from '../platform/db/database.js';

export async function listAuditEvents(conn: DbOrTx, filter: { type?: string; limit: number }) {
  let q = conn
    .selectFrom('audit_events')
    .select(['id', 'at', 'type', 'actor', 'registration_id as registrationId', 'subject', 'client_ip as clientIp', 'details'])
    .orderBy('id', 'desc')
    .limit(filter.limit);
  if (filter.type) q = q.where('type', '=', filter.type);
  return q.execute();
}

export async function countAuditEvents(conn: DbOrTx, filter: { type: string; actor?: string }): Promise<number> {
  let q = conn.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('type', '=', filter.type);
  if (filter.actor) q = q.where('actor', '=', filter.actor);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}
