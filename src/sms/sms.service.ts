// The SMS courier: enqueue joins the caller's transaction (row + pg-boss job, one statement: sms_enqueue), the worker hands the
// message to the provider and follows it to sent → delivered/undeliverable, or failed after retries.
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Counter } from 'prom-client';
import type { Config } from '../platform/config.js';
import { isDatabaseUnavailable, type Db, type DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import type { Logger } from '../platform/logging.js';
import { maskPhone } from '../platform/masking.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import { SmsProviderError, type ProviderAcceptance, type SmsProvider } from './sms.gateway.js';
import { queueReceipt, SEND_RETRY_DELAY_SECONDS, SMS_SEND_QUEUE, type ReceiptJob, type SendJob } from './sms.jobs.js';
import type { OutgoingSms, PreparedSms, SmsOutbound } from './sms.outbound.js';
import type { DeliveryReceipt } from './sms.receipt.rules.js';
import * as store from './sms.store.js';
import { renderSms } from './sms.texts.js';
import { openBody, sealBody } from './sms.body.js';

export interface SmsServiceDeps {
  config: Config;
  db: Db;
  queue: PgBoss;
  logger: Logger;
  /** sms_messages_total{provider,status} */
  counter: Counter<'provider' | 'status'>;
}

export class SmsService implements SmsOutbound {
  private provider!: SmsProvider;

  constructor(private readonly deps: SmsServiceDeps) {}

  attach(provider: SmsProvider): void {
    this.provider = provider;
  }

  async enqueue(conn: DbOrTx, sms: OutgoingSms): Promise<string> {
    const prepared = this.prepare(sms);
    await store.enqueueMessage(conn, prepared);
    this.queued(prepared);
    return prepared.id;
  }

  prepare(sms: OutgoingSms): PreparedSms {
    const phone = normalizeKzMobile(sms.phone);
    if (phone === null) throw new AppError('PHONE_INVALID');
    // Rounded down: the text never promises more time than the code has.
    const minutes = String(Math.max(1, Math.floor(this.deps.config.otp.ttlSeconds / 60)));
    const text = renderSms(sms.purpose, sms.language, { minutes, ...sms.params });
    const id = randomUUID();
    const sealed = sealBody(this.deps.config.encryptionKey, id, text);
    return {
      queue: SMS_SEND_QUEUE,
      id,
      phone,
      language: sms.language,
      purpose: sms.purpose,
      ...sealed,
      // A code is wanted now; notifications can wait behind it.
      priority: sms.purpose === 'otp' ? 10 : 0,
      retryLimit: this.deps.config.sms.maxRetries,
      retryDelay: SEND_RETRY_DELAY_SECONDS,
      retryBackoff: true,
      expireSeconds: this.deps.config.sms.sendExpireSeconds,
    };
  }

  queued(sms: PreparedSms): void {
    this.deps.counter.inc({ provider: this.provider.name, status: 'queued' });
  }

  /** One attempt at one message; throws when the attempt should be retried by the queue. */
  async deliver(job: PgBoss.JobWithMetadata<SendJob>): Promise<void> {
    const { db, logger, config, counter } = this.deps;
    const provider = this.provider;
    const row = await store.markSending(db, job.data.messageId, provider.name);
    if (!row) return; // already finished (a retry after a crash, or a duplicate job)
    const log = logger.child({ smsId: row.id, phone: maskPhone(row.phone), purpose: row.purpose, provider: provider.name, attempt: row.attempts });
    // The exact text is kept only until it is handed on (the dev outbox is the exception: it is the phone).
    const dropText = provider.name !== 'outbox';
    const text = openBody(config.encryptionKey, row);
    if (text === null) {
      // Only a row from before encrypted bodies (migration 0007) has no exact text: its code is gone.
      await store.markFailed(db, row.id, 'text not available (stored before encryption)', dropText);
      counter.inc({ provider: provider.name, status: 'failed' });
      log.warn('text not available (stored before encryption)');
      return;
    }

    if (row.purpose === 'otp' && Date.now() - row.created_at.getTime() > config.otp.ttlSeconds * 1000) {
      await store.markFailed(db, row.id, 'code expired before it could be sent', dropText);
      counter.inc({ provider: provider.name, status: 'failed' });
      log.warn('code expired before it could be sent');
      return;
    }

    let accepted: ProviderAcceptance;
    try {
      accepted = await provider.send({ id: row.id, phone: row.phone, body: text });
    } catch (err) {
      const reason = describe(err);
      const permanent = err instanceof SmsProviderError && err.permanent;
      if (permanent || job.retryCount >= job.retryLimit) {
        await store.markFailed(db, row.id, reason, dropText);
        counter.inc({ provider: provider.name, status: 'failed' });
        log.error({ reason }, 'sms failed');
        return;
      }
      await store.markRetrying(db, row.id, reason);
      counter.inc({ provider: provider.name, status: 'retry' });
      log.warn({ reason, retryCount: job.retryCount, retryLimit: job.retryLimit }, 'sms attempt failed; will retry');
      throw new SmsProviderError(reason);
    }
    // The provider has the message: if this record were lost (database restarting), the job's retry
    // would send it a second time. Keep trying for a while before leaving it to that retry.
    await retryWhileUnavailable(() => store.markAccepted(db, row.id, { ...accepted, dropText }));
    counter.inc({ provider: provider.name, status: 'sent' });
    if (accepted.delivered) counter.inc({ provider: provider.name, status: 'delivered' });
    log.info({ providerMessageId: accepted.providerMessageId }, 'sms handed to provider');
  }

  /**
   * A provider's delivery receipt; one that overtook the worker's update is queued and retried.
   * Receipts for messages already delivered (duplicates) end up dropped after those retries.
   */
  async receive(receipt: DeliveryReceipt): Promise<void> {
    const job: ReceiptJob = { provider: this.provider.name, ...receipt };
    const result = await this.applyReceipt(job);
    if (result === 'unknown') await queueReceipt(this.deps.queue, this.deps.db, job);
  }

  async applyReceipt(job: ReceiptJob): Promise<'applied' | 'ignored' | 'unknown'> {
    const result = await store.applyReceipt(this.deps.db, job);
    if (result === 'applied') this.deps.counter.inc({ provider: job.provider, status: job.outcome });
    return result;
  }

  /** Worker for queued receipts: throws (→ retry) while the message is not yet marked sent. */
  async applyQueuedReceipt(job: PgBoss.JobWithMetadata<ReceiptJob>): Promise<void> {
    const result = await this.applyReceipt(job.data);
    if (result !== 'unknown') return;
    if (job.retryCount >= job.retryLimit) {
      this.deps.logger.info({ provider: job.data.provider, providerMessageId: job.data.providerMessageId }, 'delivery receipt matches no sent message; dropped');
      return;
    }
    throw new SmsProviderError('receipt for a message not yet marked sent');
  }
}

/** How long recording a send may wait for the database to come back. */
const RECORD_RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 15000];

async function retryWhileUnavailable(write: () => Promise<void>): Promise<void> {
  for (const delay of RECORD_RETRY_MS) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  await write();
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 300);
}
