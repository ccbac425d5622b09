// The SMS worker: the outbox rows are the jobs. It claims a batch of due messages (one statement), sends
// them concurrently and writes their outcomes (one statement), then claims again: at once when the
// batch was full (a backlog: the next claim takes more), shortly after this process enqueued a message,
// else at the next poll (messages other processes enqueued). Several workers, in one process or many,
// share the table: a claim skips rows another is taking, and an expired claim is taken over.
import type { Logger } from '../platform/logging.js';
import { InterruptiblePause } from '../platform/queue.js';
import type { SmsService } from './sms.service.js';

export interface SmsWorkerOptions {
  batchSize: number;
  /** The claim after a full batch takes this many. */
  backlogBatchSize: number;
  pollingIntervalMs: number;
  /** After a wake-up, wait this long so that messages enqueued together are claimed together. */
  wakeDelayMs: number;
}

export interface SmsWorker {
  /** A message was enqueued: claim soon rather than at the next poll. */
  wake(): void;
  /** Claims nothing more; resolves once the batch in hand was sent and its outcomes written. */
  stop(): Promise<void>;
}

/** Longest pause between claims while the database is unreachable. */
const MAX_CLAIM_BACKOFF_MS = 5_000;

export function startSmsWorker(deps: { service: SmsService; logger: Logger }, options: SmsWorkerOptions): SmsWorker {
  const { service, logger } = deps;
  let stopping = false;
  /** A wake-up arrived while a batch was in hand. */
  let woken = false;
  const idle = new InterruptiblePause();
  let wakeTimer: NodeJS.Timeout | null = null;
  const pause = (ms: number) => idle.pause(ms);

  const loop = (async () => {
    let failures = 0;
    let limit = options.batchSize;
    while (!stopping) {
      woken = false;
      let batch;
      try {
        batch = await service.claim(limit);
        if (failures > 0) logger.info({ failures }, 'sms outbox reachable again');
        failures = 0;
      } catch (err) {
        if (failures++ === 0) logger.warn({ reason: err instanceof Error ? err.message.slice(0, 300) : String(err) }, 'cannot claim sms; retrying');
        await pause(Math.min(MAX_CLAIM_BACKOFF_MS, options.pollingIntervalMs * 2 ** failures));
        continue;
      }
      if (batch.length > 0) await service.sendBatch(batch);
      const full = batch.length === limit;
      limit = full ? options.backlogBatchSize : options.batchSize;
      if (stopping || full) continue;
      await pause(woken ? options.wakeDelayMs : options.pollingIntervalMs);
    }
  })();

  return {
    wake() {
      if (stopping) return;
      if (!idle.pausing) {
        woken = true;
        return;
      }
      wakeTimer ??= setTimeout(() => {
        wakeTimer = null;
        idle.end();
      }, options.wakeDelayMs);
    },
    async stop() {
      stopping = true;
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = null;
      idle.end();
      await loop;
    },
  };
}
