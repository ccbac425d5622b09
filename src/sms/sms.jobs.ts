// The SMS module's queues and the data their jobs carry (ids only: no phone, no text).
import type PgBoss from 'pg-boss';
import type { DbOrTx } from '../platform/db/database.js';
import { inConnection } from '../platform/queue.js';
import type { ReceiptOutcome } from './sms.receipt.rules.js';
import type { SmsProviderName } from './sms.gateway.js';

/** The outbox's name for sms_enqueue (its rows are the send jobs: migration 0025); once a pg-boss queue. */
export const SMS_SEND_QUEUE = 'sms-send';
export const SMS_RECEIPT_QUEUE = 'sms-receipt';

/** A receipt that arrived before its message was marked sent, or from the HTTP status callback. */
export interface ReceiptJob {
  provider: SmsProviderName;
  providerMessageId: string;
  outcome: ReceiptOutcome;
  state: string;
  error: string | null;
}

/** Backoff base for retries, doubled each attempt (2, 4, 8, … s; sms.store `recordOutcomes`). */
export const SEND_RETRY_DELAY_SECONDS = 2;
/** Receipts may overtake the worker's "sent" update; they are retried for about half a minute. */
export const RECEIPT_RETRY_LIMIT = 5;

/** Records a receipt durably in `conn`; the receipt worker applies it. */
export async function queueReceipt(queue: PgBoss, conn: DbOrTx, job: ReceiptJob): Promise<void> {
  await queue.send(SMS_RECEIPT_QUEUE, job, { ...inConnection(conn), retryLimit: RECEIPT_RETRY_LIMIT, retryDelay: 1, retryBackoff: true });
}
