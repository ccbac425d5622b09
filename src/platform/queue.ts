// pg-boss on our own database. It never opens a pool of its own: every statement goes through our
// Kysely connection (on PGlite there is exactly one), and `send` can join a caller's transaction.
//
// Shutdown is the delicate part. pg-boss's own `work()` calls `complete` without awaiting it and its
// `stop({wait:true})` forgets workers removed with `offWork`, so a completion could reach the database
// after it was closed ("driver has already been destroyed", an unhandled rejection). Our workers
// therefore run their own fetch → handle → complete loop (`startWorker`), whose `stop()` resolves only
// after the last completion ran; and `stopQueue` waits until no statement pg-boss issued is in flight.
import PgBoss from 'pg-boss';
import { executeSql, type Db, type DbOrTx } from './db/database.js';
import type { Logger } from './logging.js';

export type Queue = PgBoss;

/** The pg-boss connection option that makes a `send` part of the caller's transaction `conn`. */
export function inConnection(conn: DbOrTx): { db: PgBoss.Db } {
  return { db: { executeSql: (text, values) => executeSql(conn, text, values ?? []) } };
}

/** Promises still running; `idle` resolves once none is left across a full turn of the event loop. */
class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    promise.then(
      () => this.pending.delete(promise),
      () => this.pending.delete(promise),
    );
    return promise;
  }

  /** True when idle, false when `deadline` (epoch ms) passed first. */
  async idle(deadline: number): Promise<boolean> {
    for (;;) {
      // A completion is issued a few microtasks after its handler resolves: let them all run first.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.pending.size === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([Promise.allSettled([...this.pending]), sleep(left)]);
    }
  }
}

const statementsOf = new WeakMap<PgBoss, InFlight>();

export async function startQueue(deps: { db: Db; logger: Logger; maintenanceIntervalSeconds?: number }): Promise<PgBoss> {
  const logger = deps.logger.child({ module: 'queue' });
  for (let attempt = 1; ; attempt++) {
    const statements = new InFlight();
    const boss = new PgBoss({
      db: { executeSql: (text, values) => statements.track(bossSql(deps.db, text, values ?? [])) },
      schema: 'pgboss',
      migrate: true,
      // Supervision expires stuck active jobs (e.g. after a crash) so they are retried, and archives
      // finished ones. One short query a minute is cheap on PGlite's single connection too.
      supervise: true,
      maintenanceIntervalSeconds: deps.maintenanceIntervalSeconds ?? 60,
      archiveCompletedAfterSeconds: 60 * 60,
      deleteAfterDays: 7,
      // Cron schedules (retention jobs) are available to every domain.
      schedule: true,
    });
    statementsOf.set(boss, statements);
    boss.on('error', (err: unknown) => logger.error({ err }, 'queue error'));
    try {
      await boss.start();
      return boss;
    } catch (err) {
      // Two app servers starting on an empty database both install pg-boss's schema: the one that
      // loses finds it created (duplicate schema/type/table). Start again: now it is installed.
      if (attempt >= INSTALL_ATTEMPTS || !isConcurrentInstall(err)) throw err;
      logger.info({ attempt }, 'queue schema was being installed by another server; starting again');
      await boss.stop({ graceful: false, wait: true, close: false }).catch(() => undefined);
      await sleep(attempt * 500);
    }
  }
}

/**
 * pg-boss sends some commands (install, migrations) as one `BEGIN; …; COMMIT` text: when one of them
 * fails, the rest is skipped and the connection stays inside the failed transaction. It is rolled back
 * here before it returns to the pool (else every later statement on it fails with 25P02).
 */
async function bossSql(db: Db, text: string, values: unknown[]): Promise<{ rows: any[] }> {
  if (!/^\s*BEGIN\s*;/i.test(text)) return executeSql(db, text, values);
  return db.connection().execute(async (conn) => {
    try {
      return await executeSql(conn, text, values);
    } catch (err) {
      await executeSql(conn, 'ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

const INSTALL_ATTEMPTS = 5;

/** unique_violation (pg_namespace, a queue's row), duplicate_object (a type), duplicate_table, deadlock. */
function isConcurrentInstall(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === '42710' || code === '42P07' || code === '40P01';
}

/**
 * Creates queue `name` unless it exists. Servers starting together create their queues at the same
 * time, and pg-boss's create_queue (a row, a partition attached to the job table) can deadlock with
 * another: the loser tries again.
 */
export async function ensureQueue(boss: PgBoss, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(name)) return;
    try {
      await boss.createQueue(name);
      return;
    } catch (err) {
      if (attempt >= INSTALL_ATTEMPTS || !isConcurrentInstall(err)) throw err;
      await sleep(attempt * 200);
    }
  }
}

/**
 * Stops pg-boss (its maintenance, cron and any `work()` worker, whose running job may finish within
 * `timeoutMs`) and resolves once none of the statements it issued — completions included — is still
 * running: only then may the database be closed. Stop our own workers (`startWorker`) first.
 */
export async function stopQueue(boss: PgBoss, logger: Logger, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
  const idle = await (statementsOf.get(boss)?.idle(deadline + 2_000) ?? true);
  if (!idle) logger.warn({ module: 'queue' }, 'queue statements still running at shutdown');
}

/** A worker's wait between polls, which `end()` cuts short (a stop, a wake-up). */
export class InterruptiblePause {
  private endCurrent: (() => void) | null = null;

  /** Whether a pause is running now. */
  get pausing(): boolean {
    return this.endCurrent !== null;
  }

  pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endCurrent = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.endCurrent = done;
    });
  }

  /** Ends the running pause, if any. */
  end(): void {
    this.endCurrent?.();
  }
}

export interface QueueWorker {
  /** Takes no new jobs; resolves when the batch in hand was handled and completed (or failed). */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  batchSize: number;
  pollingIntervalSeconds: number;
}

/** Longest pause between fetches while the database is unreachable. */
const MAX_FETCH_BACKOFF_MS = 5_000;
/** Writing a job's outcome (database briefly gone) is tried this often before it is left to expire. */
const OUTCOME_ATTEMPTS = 5;

/**
 * Works on queue `name`: fetches a batch and handles its jobs concurrently; completes the jobs whose
 * handler resolved and fails (→ retry) the ones whose handler threw. A job whose outcome could not be
 * written (database briefly gone) stays active and is retried after its expiry, so handlers must be
 * idempotent (the receipt worker is: a receipt applies once).
 */
export function startWorker<T extends object>(
  boss: PgBoss,
  name: string,
  options: WorkerOptions,
  handle: (job: PgBoss.JobWithMetadata<T>) => Promise<void>,
  logger: Logger,
): QueueWorker {
  const log = logger.child({ module: 'queue', queue: name });
  let stopping = false;
  const idle = new InterruptiblePause();
  const pause = (ms: number) => idle.pause(ms);

  const write = async (what: string, count: number, statement: () => Promise<unknown>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await statement();
        return;
      } catch (err) {
        if (attempt >= OUTCOME_ATTEMPTS) {
          log.warn({ reason: reason(err), jobs: count }, `could not ${what} jobs; they are retried after their expiry`);
          return;
        }
        await sleep(attempt * 500);
      }
    }
  };

  const runBatch = async (jobs: PgBoss.JobWithMetadata<T>[]) => {
    const outcomes = await Promise.all(
      jobs.map((job) =>
        handle(job).then(
          () => ({ job, error: null }),
          (err: unknown) => ({ job, error: reason(err) }),
        ),
      ),
    );
    const done = outcomes.filter((o) => o.error === null).map((o) => o.job.id);
    const failed = outcomes.filter((o) => o.error !== null);
    await Promise.all([
      done.length > 0 ? write('complete', done.length, () => boss.complete(name, done)) : undefined,
      ...failed.map((o) => write('fail', 1, () => boss.fail(name, o.job.id, { message: o.error! }))),
    ]);
  };

  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      let jobs: PgBoss.JobWithMetadata<T>[];
      try {
        jobs = await boss.fetch<T>(name, { batchSize: options.batchSize, includeMetadata: true });
        if (failures > 0) log.info({ failures }, 'queue reachable again');
        failures = 0;
      } catch (err) {
        if (failures++ === 0) log.warn({ reason: reason(err) }, 'cannot fetch jobs; retrying');
        await pause(Math.min(MAX_FETCH_BACKOFF_MS, options.pollingIntervalSeconds * 1000 * 2 ** failures));
        continue;
      }
      if (!jobs || jobs.length === 0) {
        await pause(options.pollingIntervalSeconds * 1000);
        continue;
      }
      await runBatch(jobs);
    }
  })();

  return {
    async stop() {
      stopping = true;
      idle.end();
      await loop;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function reason(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}
