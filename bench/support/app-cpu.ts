// What the benchmarks measure of the app's process beside each scenario: its CPU with no request coming
// (pg-boss polling, timers: subtracted from a request's share) and, when asked, a CPU profile.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import type { Around } from './load-process.js';
import { cpuMs } from './load.js';

/** The app process's CPU profile over one scenario, written to `dir` as `<name>.cpuprofile` (none without a dir). */
export function profiler(dir: string | undefined, name: string): Around[] {
  if (!dir) return [];
  const session = new Session();
  return [
    {
      async start() {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 200 });
        await session.post('Profiler.start');
      },
      async stop() {
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`), JSON.stringify(profile));
      },
    },
  ];
}

/** The app process's CPU with no request coming, ms per second. */
export async function idleCpu(seconds: number): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return cpuMs(process.cpuUsage(before)) / ((performance.now() - started) / 1000);
}

/** The app's CPU a request costs beyond what the process spends with no request coming, ms. */
export function ownCpuMs(r: { nodeCpuMs: number; idleMsPerSecond: number; seconds: number; requests: number }): number {
  return Math.max(0, r.nodeCpuMs - (r.idleMsPerSecond * r.seconds) / Math.max(1, r.requests));
}
