// Load from a child process (bench/support/load-child.ts): the benchmark process then holds only the app
// (and, on PGlite, its embedded database), so its CPU per request is the app's own — with the load
// generator in the same process, its parsing and bookkeeping counted as the app's and its callbacks
// shared the app's event loop. The child's CPU is reported beside it. A plan is plain data (it crosses the
// process boundary): requests as fast as the connections carry them (autocannon), requests at a paced
// rate (load-paced.ts), or refresh-token chains.
import { fork } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { DbSample, PgStats } from '../pg-stats.js';
import { cpuMs, type Answered } from './load.js';
import { runPlan } from './load-plan.js';

export interface RequestVariant {
  headers: Record<string, string>;
  body?: string;
  /** The request's own path, else the plan's. */
  path?: string;
}

/** What to send: a request's method, path, headers and body, from the plan's variants. */
export interface RequestSpec {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  /** The requests' headers, bodies and paths: cycled, or each sent once and then `exhausted`. */
  variants: RequestVariant[];
  cycle: boolean;
  exhausted?: RequestVariant;
  /**
   * Numbered requests: in the variant's headers, body and path `{n}` becomes the request's number (from
   * this one on, 7 digits, e.g. a fresh phone number) and `{address}` an IPv4 address of its own.
   */
  numberedFrom?: number;
  /** Keep, for each variant (sent once), a field of its 2xx JSON answer or a cookie it set. */
  collect?: { json: string } | { cookie: string };
}

export type LoadPlan =
  | (RequestSpec & {
      kind: 'requests';
      connections: number;
      /** Run this long, or until `amount` requests were answered. */
      seconds?: number;
      amount?: number;
      /** autocannon's overallRate: each connection sends its share of a second back to back at the second's start. */
      overallRate?: number;
    })
  | (RequestSpec & {
      kind: 'paced';
      /** Requests per second, each sent at its scheduled time whatever the answers before it. */
      rate: number;
      seconds: number;
      /** Arrivals at a constant interval, or as a Poisson process of the same mean rate. */
      arrivals: 'constant' | 'poisson';
      /** Keep-alive connections open at most; a request finding none free waits (and counts as late). */
      connections: number;
    })
  | {
      kind: 'refresh-chains';
      /** The token endpoint. */
      url: string;
      headers: Record<string, string>;
      /** One refresh token a chain: each answer's refresh_token is the chain's next request. */
      seeds: string[];
      seconds: number;
    };

/** How a paced plan kept its schedule. */
export interface Pacing {
  /** The rate asked for, and the rates at which requests left and answers came back, per second. */
  target: number;
  sentRate: number;
  /** 99.9th latency percentile, ms (from each request's scheduled time). */
  p999: number;
  /** 99th percentile from each request's send (once it had a connection), ms: the app's part of p99 without the generator's lag. */
  p99FromSend: number;
  /** Requests that left later than `lateAfterMs` after their scheduled time (the generator's timer, or no free connection). */
  late: number;
  lateAfterMs: number;
  maxLagMs: number;
  /** Requests with no answer by the end of the wait after the schedule (counted in the percentiles as never answered). */
  unanswered: number;
  /** Connections open at most. */
  connections: number;
}

export interface LoadResult extends Answered {
  /** Requests sent (numbered requests use this many numbers). */
  sent: number;
  /** The first answer of status 300 or above, shortened. */
  firstRefusal: string | null;
  /** The load generator's CPU over the run (user + system), ms. */
  cpuMs: number;
  /** With `collect`: per variant, what its answer carried (null: no 2xx answer or nothing to keep). */
  collected?: Array<string | null>;
  pacing?: Pacing;
}

export interface ProcessMeasured extends Omit<LoadResult, 'cpuMs'> {
  /** This process's CPU per request (the app; on PGlite also its database), ms. */
  nodeCpuMs: number;
  /** The load generator's CPU per request, ms (another process: not in nodeCpuMs). */
  loadCpuMs: number;
  loopDelayP99: number;
  /** How long the plan ran, s. */
  seconds: number;
  dbSample: DbSample | null;
}

/** Work around a measured span (a CPU profile, a record of arrivals), started and stopped with it. */
export type Around = { start(): Promise<void> | void; stop(): Promise<void> | void };

/**
 * Runs one plan and measures this process's CPU from the plan's start to its result: the load from a
 * fresh child process, or with `inProcess` from this process (as the benchmarks measured before: the
 * load generator's CPU then counts as the app's; loadCpuMs is 0).
 */
export async function measureLoad(plan: LoadPlan, stats: PgStats | null, options: { inProcess?: boolean; around?: Around[] } = {}): Promise<ProcessMeasured> {
  const around = options.around ?? [];
  if (options.inProcess) return measureSpan(stats, around, async () => ({ ...(await runPlan(plan)), cpuMs: 0 }));
  const child = fork(new URL('./load-child.ts', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`load generator exited (${code}) before answering`))));
    exited.catch(() => {}); // after the answer the child's exit is expected
    await Promise.race([new Promise<void>((resolve) => child.once('message', () => resolve())), exited]);
    return await measureSpan(stats, around, () => {
      const answered = new Promise<LoadResult>((resolve) => child.once('message', (m) => resolve(m as LoadResult)));
      child.send(plan);
      return Promise.race([answered, exited]);
    });
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

async function measureSpan(stats: PgStats | null, around: Around[], run: () => Promise<LoadResult>): Promise<ProcessMeasured> {
  await stats?.reset();
  for (const a of around) await a.start();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  loopDelay.disable();
  for (const a of around) await a.stop();
  const perRequest = (ms: number) => ms / Math.max(1, result.requests);
  const { cpuMs: loadMs, ...rest } = result;
  return { ...rest, nodeCpuMs: perRequest(cpuMs(cpu)), loadCpuMs: perRequest(loadMs), loopDelayP99: loopDelay.percentile(99) / 1e6, seconds, dbSample: (await stats?.read()) ?? null };
}
