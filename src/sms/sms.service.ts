// The SMS courier: enqueue joins the caller's transaction (the row is its own send job, one statement: sms_enqueue), the
// worker (sms.worker.ts) claims due rows in batches, hands each message to the provider and follows it to
// sent → delivered/undeliverable, or failed after retries.
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Counter } from 'prom-client';
import type { Config } from '../platform/config.js';
import { isDatabaseUnavailable, type Db, type DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import type { Logger } from '../platform/logging.js';
import { maskPhone } from '../platform/masking.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import { SmsProviderError, type SmsProvider } from './sms.gateway.js';
import { queueReceipt, SEND_RETRY_DELAY_SECONDS, SMS_SEND_QUEUE, type ReceiptJob } from './sms.jobs.js';
import type { OutgoingSms, PreparedSms, SmsOutbound } from './sms.outbound.js';
import type { DeliveryReceipt } from './sms.receipt.rules.js';
import * as store from './sms.store.js';
import type { ClaimedSms, SmsOutcome } from './sms.store.js';
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
    this.onQueued();
  }

  /** Called for each message this process enqueued (the worker wakes up rather than wait for its poll). */
  onQueued: () => void = () => {};

  /** Claims up to `limit` due messages for this provider (sms.store `claimDue`). */
  claim(limit: number): Promise<ClaimedSms[]> {
    return store.claimDue(this.deps.db, this.provider.name, limit);
  }

  /**
   * One attempt at each message of a claimed batch, concurrently; then every outcome in one statement.
   * Resolves once the outcomes are written (or given up on: those messages are tried again when their
   * claim expires, as when a worker crashed).
   */
  async sendBatch(batch: ClaimedSms[]): Promise<void> {
    const attempts = await Promise.all(batch.map((row) => this.attempt(row)));
    const outcomes = attempts.map((a) => a.outcome);
    let written: Set<string>;
    try {
      // The provider has the messages: if this record were lost (database restarting), their claims
      // would expire and they would be sent a second time. Keep trying for a while first.
      written = await retryWhileUnavailable(() => store.recordOutcomes(this.deps.db, outcomes));
    } catch (err) {
      this.deps.logger.warn({ reason: describe(err), messages: outcomes.length }, 'could not record sms outcomes; those messages are tried again when their claims expire');
      return;
    }
    const provider = this.provider.name;
    for (const { outcome, row } of attempts) {
      if (!written.has(outcome.id)) continue; // its claim expired and another attempt took it over
      const status = outcome.status === 'queued' ? 'retry' : outcome.status === 'failed' ? 'failed' : 'sent';
      this.deps.counter.inc({ provider, status });
      if (outcome.status === 'delivered') this.deps.counter.inc({ provider, status: 'delivered' });
      const level = status === 'sent' ? 'info' : status === 'retry' || QUIET_FAILURES.has(outcome.error!) ? 'warn' : 'error';
      if (!this.deps.logger.isLevelEnabled(level)) continue;
      const log = this.deps.logger.child({ smsId: row.id, phone: maskPhone(row.phone), purpose: row.purpose, provider, attempt: row.attempts });
      if (status === 'sent') log.info({ providerMessageId: outcome.providerMessageId }, 'sms handed to provider');
      else if (status === 'retry') log.warn({ reason: outcome.error }, 'sms attempt failed; will retry');
      else if (level === 'warn') log.warn(outcome.error!);
      else log.error({ reason: outcome.error }, 'sms failed');
    }
  }

  /** One attempt at one message: its outcome, not yet written. */
  private async attempt(row: ClaimedSms): Promise<{ outcome: SmsOutcome; row: ClaimedSms }> {
    const { config } = this.deps;
    const provider = this.provider;
    // The exact text is kept only until it is handed on (the dev outbox is the exception: it is the phone).
    const dropText = provider.name !== 'outbox';
    const failed = (error: string) => ({ outcome: { id: row.id, attempts: row.attempts, status: 'failed' as const, providerMessageId: null, error, dropText }, row });
    // Every allowed attempt was made; the last one's claim expired (its worker crashed or hung).
    if (row.attempts > row.retry_limit + 1) return failed(CLAIMS_USED_UP);
    // Only a row from before encrypted bodies (migration 0007) has no exact text: its code is gone.
    const text = openBody(config.encryptionKey, row);
    if (text === null) return failed(TEXT_GONE);
    if (row.purpose === 'otp' && Date.now() - row.created_at.getTime() > config.otp.ttlSeconds * 1000) return failed(CODE_EXPIRED);

    try {
      const accepted = await provider.send({ id: row.id, phone: row.phone, body: text });
      const status = accepted.delivered ? ('delivered' as const) : ('sent' as const);
      return { outcome: { id: row.id, attempts: row.attempts, status, providerMessageId: accepted.providerMessageId, error: null, dropText }, row };
    } catch (err) {
      const reason = describe(err);
      const permanent = err instanceof SmsProviderError && err.permanent;
      if (permanent || row.attempts > row.retry_limit) return failed(reason);
      return { outcome: { id: row.id, attempts: row.attempts, status: 'queued', providerMessageId: null, error: reason, dropText: false }, row };
    }
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

async function retryWhileUnavailable<T>(write: () => Promise<T>): Promise<T> {
  for (const delay of RECORD_RETRY_MS) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return write();
}

const TEXT_GONE = 'text not available (stored before encryption)';
const CODE_EXPIRED = 'code expired before it could be sent';
const CLAIMS_USED_UP = 'every attempt was made; the last one did not finish in time';
/** Failures that are not the provider's: logged as warnings, as before. */
const QUIET_FAILURES = new Set([TEXT_GONE, CODE_EXPIRED, CLAIMS_USED_UP]);

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 300);
}
