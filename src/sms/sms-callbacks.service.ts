// What the SMS routes ask for: the development outbox (the messages a phone would have received) and
// the HTTP gateway's delivery-status callback, recorded durably for the receipt worker.
import type { AppContext } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import { queueReceipt, type ReceiptJob } from './sms.jobs.js';
import { outcomeOfState } from './sms.receipt.rules.js';
import { openBody } from './sms.body.js';
import { listByPhone } from './sms.store.js';

const DEV_OUTBOX_LIMIT = 50;

/** SMS sent to a phone, newest first, with their exact texts (development only: the outbox is the phone). */
export async function devOutbox(ctx: AppContext, phoneInput: string) {
  const phone = normalizeKzMobile(phoneInput);
  if (phone === null) throw new AppError('PHONE_INVALID');
  const rows = await listByPhone(ctx.db, phone, DEV_OUTBOX_LIMIT);
  return {
    messages: rows.map((r) => ({
      id: r.id,
      phone: r.phone,
      body: openBody(ctx.config.encryptionKey, r) ?? r.body,
      purpose: r.purpose,
      status: r.status,
      createdAt: r.created_at.toISOString(),
    })),
  };
}

/** A delivery status from the HTTP gateway: a final one is queued for the receipt worker, a pending one ignored. */
export async function acceptHttpStatus(ctx: AppContext, status: { messageId: string; status: string; error?: string }): Promise<void> {
  const job: ReceiptJob = { provider: 'http', providerMessageId: status.messageId, outcome: outcomeOfState(status.status), state: status.status.toUpperCase(), error: status.error ?? null };
  // Recorded durably; the receipt worker applies it (and retries if it overtook our own update).
  if (job.outcome !== 'pending') await queueReceipt(ctx.queue, ctx.db, job);
}
