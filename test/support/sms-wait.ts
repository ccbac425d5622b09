// Waits for an sms_messages row to reach a status (the queue works in the background).
import type { Db } from '../../src/platform/db/database.js';
import type { SmsMessageRow, SmsStatus } from '../../src/sms/sms.store.js';

export async function waitForSmsStatus(db: Db, id: string, statuses: SmsStatus[], timeoutMs = 60_000): Promise<SmsMessageRow> {
  const deadline = Date.now() + timeoutMs;
  let row: SmsMessageRow | undefined;
  for (;;) {
    row = await db.selectFrom('sms_messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (row && statuses.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`sms ${id} is ${row?.status ?? 'missing'}, expected ${statuses.join('|')} (last_error: ${row?.last_error ?? '-'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
