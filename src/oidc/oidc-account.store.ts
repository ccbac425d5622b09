// What the provider reads of a citizen: the Digital ID and how a session was opened. Read-only.
import type { DbOrTx } from '../platform/db/database.js';

export async function findDigitalId(conn: DbOrTx, profileId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(profileId)) return undefined;
  return conn.selectFrom('digital_profiles').select(['id', 'iin', 'phone', 'blocked_at']).where('id', '=', profileId).executeTakeFirst();
}

export async function findSessionOpening(conn: DbOrTx, sessionId: string) {
  return conn.selectFrom('citizen_sessions').select(['method', 'created_at']).where('id', '=', sessionId).executeTakeFirst();
}
