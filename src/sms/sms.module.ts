// Starts the SMS module: metrics, provider, queues and workers. Returns the outbound side for the flow.
import type PgBoss from 'pg-boss';
import { Counter } from 'prom-client';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import type { Logger } from '../platform/logging.js';
import type { Metrics } from '../platform/metrics.js';
import { ensureQueue, startWorker } from '../platform/queue.js';
import { createSmsProvider } from './providers/index.js';
import { SMS_RECEIPT_QUEUE, type ReceiptJob } from './sms.jobs.js';
import type { SmsOutbound } from './sms.outbound.js';
import { SmsService } from './sms.service.js';
import { startSmsWorker } from './sms.worker.js';

/** Workers poll this often: an OTP another process enqueued should leave within about a second of the commit. */
const POLLING_INTERVAL_SECONDS = 0.5;
const BATCH_SIZE = 10;
/** After a full batch (a backlog), the next claim takes this many: two statements serve them all. */
const BACKLOG_BATCH_SIZE = 50;
/** An OTP this process enqueued is claimed this soon, with the others enqueued meanwhile. */
const WAKE_DELAY_MS = 20;
const STOP_WAIT_MS = 15_000;

export async function startSms(deps: { config: Config; db: Db; queue: PgBoss; logger: Logger; metrics: Metrics }): Promise<{ outbound: SmsOutbound; stop(): Promise<void> }> {
  const logger = deps.logger.child({ module: 'sms' });
  const counter = smsCounter(deps.metrics);
  const service = new SmsService({ config: deps.config, db: deps.db, queue: deps.queue, logger, counter });
  const provider = createSmsProvider(deps.config, { logger, onReceipt: (receipt) => service.receive(receipt) });
  service.attach(provider);

  const { queue } = deps;
  await ensureQueue(queue, SMS_RECEIPT_QUEUE);
  // The outbox rows are the send jobs (sms.worker.ts); receipts that overtook their message are rare and stay on pg-boss.
  const sender = startSmsWorker(
    { service, logger },
    { batchSize: BATCH_SIZE, backlogBatchSize: BACKLOG_BATCH_SIZE, pollingIntervalMs: POLLING_INTERVAL_SECONDS * 1000, wakeDelayMs: WAKE_DELAY_MS },
  );
  service.onQueued = () => sender.wake();
  // Each receipt job in a batch succeeds or fails on its own: a failure is reported for that job only.
  const workers = [
    sender,
    startWorker<ReceiptJob>(queue, SMS_RECEIPT_QUEUE, { batchSize: BATCH_SIZE, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS }, (job) => service.applyQueuedReceipt(job), logger),
  ];
  logger.info({ provider: provider.name }, 'sms module started');

  return {
    outbound: service,
    async stop() {
      // Attempts under way finish and their outcomes are written while the provider's connection is still
      // up; one that outlasts STOP_WAIT_MS is cut short by stopping the provider (its message is retried later).
      const stopped = Promise.all(workers.map((w) => w.stop()));
      const inTime = await Promise.race([stopped.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_WAIT_MS).unref())]);
      if (!inTime) logger.warn({ waitedMs: STOP_WAIT_MS }, 'sms attempts still running at shutdown; stopping the provider');
      await provider.stop();
      await stopped;
    },
  };
}

function smsCounter(metrics: Metrics): Counter<'provider' | 'status'> {
  const existing = metrics.registry.getSingleMetric('sms_messages_total');
  if (existing) return existing as Counter<'provider' | 'status'>;
  return new Counter({
    name: 'sms_messages_total',
    help: 'SMS by provider and status: queued (enqueue calls, including ones whose transaction rolled back), sent, retry, delivered, undeliverable, failed',
    labelNames: ['provider', 'status'],
    registers: [metrics.registry],
  });
}
