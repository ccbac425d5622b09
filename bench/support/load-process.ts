// Load from a child process (bench/support/load-child.ts): the benchmark process then holds only the app
// (and, on PGlite, its embedded database), so its CPU per request is the app's own — with autocannon in
// the same process, the load generator's parsing and bookkeeping counted as the app's. The child's CPU is
// reported beside it. A plan is plain data (it crosses the process boundary): the requests to send, or
// refresh-token chains.
import { fork } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { DbSample, PgStats } from '../pg-stats.js';
import { cpuMs, type Answered } from './load.js';
import { runPlan } from './load-plan.js';

export interface RequestVariant {
  headers: Record<string, string>;
  body?: string;
}

export type LoadPlan =
  | {
      kind: 'requests';
      url: string;
      connections: number;
      /** Run this long, or until `amount` requests were answered. */
      seconds?: number;
      amount?: number;
      method: 'GET' | 'POST';
      path: string;
      /** The requests' headers and bodies: cycled, or each sent once and then `exhausted`. */
      variants: RequestVariant[];
      cycle: boolean;
      exhausted?: RequestVariant;
    }
  | {
      kind: 'refresh-chains';
      /** The token endpoint. */
      url: string;
      headers: Record<string, string>;
      /** One refresh token a chain: each answer's refresh_token is the chain's next request. */
      seeds: string[];
      seconds: number;
    };

export interface LoadResult extends Answered {
  /** The first answer of status 300 or above, shortened. */
  firstRefusal: string | null;
  /** The load generator's CPU over the run (user + system), ms. */
  cpuMs: number;
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

type Around = { start(): Promise<void>; stop(): Promise<void> };

/**
 * Runs one plan and measures this process's CPU from the plan's start to its result: the load from a
 * fresh child process, or with `inProcess` from this process (as the benchmarks measured before: the
 * load generator's CPU then counts as the app's; loadCpuMs is 0).
 */
export async function measureLoad(plan: LoadPlan, stats: PgStats | null, options: { inProcess?: boolean; around?: Around } = {}): Promise<ProcessMeasured> {
  if (options.inProcess) return measureSpan(stats, options.around, async () => ({ ...(await runPlan(plan)), cpuMs: 0 }));
  const child = fork(new URL('./load-child.ts', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`load generator exited (${code}) before answering`))));
    exited.catch(() => {}); // after the answer the child's exit is expected
    await Promise.race([new Promise<void>((resolve) => child.once('message', () => resolve())), exited]);
    return await measureSpan(stats, options.around, () => {
      const answered = new Promise<LoadResult>((resolve) => child.once('message', (m) => resolve(m as LoadResult)));
      child.send(plan);
      return Promise.race([answered, exited]);
    });
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

async function measureSpan(stats: PgStats | null, around: Around | undefined, run: () => Promise<LoadResult>): Promise<ProcessMeasured> {
  await stats?.reset();
  await around?.start();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  loopDelay.disable();
  await around?.stop();
  const perRequest = (ms: number) => ms / Math.max(1, result.requests);
  const { cpuMs: loadMs, ...rest } = result;
  return { ...rest, nodeCpuMs: perRequest(cpuMs(cpu)), loadCpuMs: perRequest(loadMs), loopDelayP99: loopDelay.percentile(99) / 1e6, seconds, dbSample: (await stats?.read()) ?? null };
}
