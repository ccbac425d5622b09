// Append-only security events. Identifiers arrive masked; the table itself refuses UPDATE/DELETE.
import type { DbOrTx } from '../platform/db/database.js';
import type { AuditEvent } from './audit.events.js';

export type { AuditEvent, AuditEventType } from './audit.events.js';

export async function appendAudit(conn: DbOrTx, event: AuditEvent): Promise<void> {
  await conn
    .insertInto('audit_events')
    .values({
      type: event.type,
      actor: event.actor,
      registration_id: event.registrationId ?? null,
      subject: event.subject ?? null,
      client_ip: event.clientIp ?? null,
      profile_id: event.profileId ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}
