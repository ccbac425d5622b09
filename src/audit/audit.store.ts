// Append-only security events. Identifiers arrive masked; the table itself refuses UPDATE/DELETE.
import type { DbOrTx } from '../platform/db/database.js';

export interface AuditEvent {
  type: string;
  /** 'citizen', 'system', or 'staff:<login>' */
  actor: string;
  registrationId?: string | null;
  /** masked phone or IIN */
  subject?: string | null;
  clientIp?: string | null;
  details?: Record<string, unknown>;
}

export async function appendAudit(conn: DbOrTx, event: AuditEvent): Promise<void> {
  await conn
    .insertInto('audit_events')
    .values({
      type: event.type,
      actor: event.actor,
      registration_id: event.registrationId ?? null,
      subject: event.subject ?? null,
      client_ip: event.clientIp ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}
