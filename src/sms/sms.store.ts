// The only place the SMS module touches sms_messages.
import { sql, type Selectable } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { SmsMessagesTable } from '../platform/db/schema.js';
import type { ReceiptOutcome } from './sms.receipt.rules.js';
import type { PreparedSms } from './sms.outbound.js';

export type SmsMessageRow = Selectable<SmsMessagesTable>;
export type SmsStatus = SmsMessagesTable['status'];

/** The message, which is its own send job (sms_enqueue, migration 0025). */
export async function enqueueMessage(conn: DbOrTx, m: PreparedSms): Promise<void> {
  await sql`select sms_enqueue(${m.queue}, ${m.id}, ${m.phone}, ${m.language}, ${m.purpose}, ${m.body}, ${m.bodyEncrypted},
    ${m.priority}::int, ${m.retryLimit}::int, ${m.retryDelay}::int, ${m.retryBackoff}, ${m.expireSeconds}::int)`.execute(conn);
}

export async function findMessage(conn: DbOrTx, id: string): Promise<SmsMessageRow | undefined> {
  return conn.selectFrom('sms_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A message claimed for one attempt; `attempts` counts this one and identifies the claim. */
export type ClaimedSms = Pick<SmsMessageRow, 'id' | 'phone' | 'purpose' | 'body_encrypted' | 'created_at' | 'attempts' | 'retry_limit'>;

/**
 * Claims up to `limit` due messages for an attempt, in one statement: the queued ones whose time has
 * come and the ones whose previous claim expired (a worker that crashed or hung), codes first. Rows
 * another worker is claiming are skipped, so two workers never take the same message. The claim holds
 * the row for its expire_seconds.
 */
export async function claimDue(conn: DbOrTx, provider: string, limit: number): Promise<ClaimedSms[]> {
  const { rows } = await sql<ClaimedSms>`
    WITH due AS (
      SELECT id FROM sms_messages
      WHERE status IN ('queued', 'sending') AND next_attempt_at <= now()
      ORDER BY priority DESC, next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE sms_messages m
    SET status = 'sending', attempts = m.attempts + 1, provider = ${provider}, next_attempt_at = now() + m.expire_seconds * interval '1 second'
    FROM due
    WHERE m.id = due.id
    RETURNING m.id, m.phone, m.purpose, m.body_encrypted, m.created_at, m.attempts, m.retry_limit`.execute(conn);
  return rows;
}

/** How an attempt ended: handed to the provider (sent, or delivered at once), to be retried (queued), or failed. */
export interface SmsOutcome {
  id: string;
  /** The claim's attempt number: an outcome for an older claim (one that expired and was taken again) is not written. */
  attempts: number;
  status: 'sent' | 'delivered' | 'queued' | 'failed';
  providerMessageId: string | null;
  error: string | null;
  /** Drop the exact text (a real provider has it, or it will never be sent). */
  dropText: boolean;
}

/**
 * Writes a batch's outcomes in one statement; returns the ids written. A retry waits retry_delay
 * seconds, with backoff doubled per attempt and jittered up to twice that (as pg-boss did: 2–4 s, 4–8 s, …).
 */
export async function recordOutcomes(conn: DbOrTx, outcomes: SmsOutcome[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    UPDATE sms_messages m
    SET status = v.status,
        provider_message_id = CASE WHEN v.status IN ('sent', 'delivered') THEN v.provider_message_id ELSE m.provider_message_id END,
        sent_at = CASE WHEN v.status IN ('sent', 'delivered') THEN now() ELSE m.sent_at END,
        delivered_at = CASE WHEN v.status = 'delivered' THEN now() END,
        last_error = v.error,
        body_encrypted = CASE WHEN v.drop_text THEN NULL ELSE m.body_encrypted END,
        next_attempt_at = CASE WHEN v.status = 'queued' THEN now() + interval '1 second' *
          CASE WHEN m.retry_backoff THEN m.retry_delay * 2 ^ LEAST(16, m.attempts - 1) * (1 + random()) ELSE m.retry_delay END
        END
    FROM unnest(${outcomes.map((o) => o.id)}::uuid[], ${outcomes.map((o) => o.attempts)}::int[], ${outcomes.map((o) => o.status)}::text[],
                ${outcomes.map((o) => o.providerMessageId)}::text[], ${outcomes.map((o) => o.error)}::text[], ${outcomes.map((o) => o.dropText)}::boolean[])
      AS v(id, attempts, status, provider_message_id, error, drop_text)
    WHERE m.id = v.id AND m.status = 'sending' AND m.attempts = v.attempts
    RETURNING m.id`.execute(conn);
  return new Set(rows.map((r) => r.id));
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
