// The only place the SMS module touches sms_messages.
import { sql, type Selectable } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { SmsMessagesTable } from '../platform/db/schema.js';
import type { ReceiptOutcome } from './sms.receipt.rules.js';
import type { PreparedSms } from './sms.outbound.js';

export type SmsMessageRow = Selectable<SmsMessagesTable>;
export type SmsStatus = SmsMessagesTable['status'];

/** The message and its pg-boss send job, in one statement (sms_enqueue, migration 0011). */
export async function enqueueMessage(conn: DbOrTx, m: PreparedSms): Promise<void> {
  await sql`select sms_enqueue(${m.queue}, ${m.id}, ${m.phone}, ${m.language}, ${m.purpose}, ${m.body}, ${m.bodyEncrypted},
    ${m.priority}::int, ${m.retryLimit}::int, ${m.retryDelay}::int, ${m.retryBackoff}, ${m.expireSeconds}::int)`.execute(conn);
}

export async function findMessage(conn: DbOrTx, id: string): Promise<SmsMessageRow | undefined> {
  return conn.selectFrom('sms_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Claims a queued message for an attempt; undefined when it is already finished. */
export async function markSending(conn: DbOrTx, id: string, provider: string): Promise<SmsMessageRow | undefined> {
  return conn
    .updateTable('sms_messages')
    .set((eb) => ({ status: 'sending', provider, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'sending'])
    .returningAll()
    .executeTakeFirst();
}

export async function markAccepted(
  conn: DbOrTx,
  id: string,
  accepted: { providerMessageId: string | null; delivered: boolean; dropText: boolean },
): Promise<void> {
  const now = new Date();
  await conn
    .updateTable('sms_messages')
    .set({
      status: accepted.delivered ? 'delivered' : 'sent',
      provider_message_id: accepted.providerMessageId,
      sent_at: now,
      delivered_at: accepted.delivered ? now : null,
      last_error: null,
      ...(accepted.dropText ? { body_encrypted: null } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** An attempt failed but another will follow. */
export async function markRetrying(conn: DbOrTx, id: string, error: string): Promise<void> {
  await conn.updateTable('sms_messages').set({ status: 'queued', last_error: error }).where('id', '=', id).where('status', '=', 'sending').execute();
}

export async function markFailed(conn: DbOrTx, id: string, error: string, dropText: boolean): Promise<void> {
  await conn
    .updateTable('sms_messages')
    .set({ status: 'failed', last_error: error, ...(dropText ? { body_encrypted: null } : {}) })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'sending'])
    .execute();
}

/** SMSCs reuse message ids (counters restart): a receipt only matches a message sent this recently. */
const RECEIPT_MATCH_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * Applies a delivery receipt to the sent message the provider knows as `providerMessageId`.
 * 'unknown' when no sent message has that id (yet: the receipt may have overtaken the worker).
 */
export async function applyReceipt(
  conn: DbOrTx,
  receipt: { provider: string; providerMessageId: string; outcome: ReceiptOutcome; state: string },
): Promise<'applied' | 'ignored' | 'unknown'> {
  const row = await conn
    .selectFrom('sms_messages')
    .select(['id'])
    .where('provider', '=', receipt.provider)
    .where('provider_message_id', '=', receipt.providerMessageId)
    .where('status', '=', 'sent')
    .where('sent_at', '>', new Date(Date.now() - RECEIPT_MATCH_WINDOW_MS))
    .orderBy('sent_at', 'desc')
    .executeTakeFirst();
  if (!row) return 'unknown';
  if (receipt.outcome === 'pending') return 'ignored';
  const result = await conn
    .updateTable('sms_messages')
    .set(
      receipt.outcome === 'delivered'
        ? { status: 'delivered', delivered_at: new Date() }
        : { status: 'undeliverable', last_error: `receipt ${receipt.state}` },
    )
    .where('id', '=', row.id)
    .where('status', '=', 'sent')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0 ? 'applied' : 'unknown';
}

/** Newest first. */
export async function listByPhone(conn: DbOrTx, phone: string, limit: number): Promise<SmsMessageRow[]> {
  return conn.selectFrom('sms_messages').selectAll().where('phone', '=', phone).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}
