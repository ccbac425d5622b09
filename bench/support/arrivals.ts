// When the requests of a fixed-rate scenario reached the app: counted per 10 ms, the arrivals show whether
// the load was a steady rate or bursts (autocannon's overallRate sends each second's requests together).
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Around } from './load-process.js';

const BUCKET_MS = 10;

export interface ArrivalSpread {
  requests: number;
  /** Arrivals per 10 ms: the mean, the 99th percentile and the most. */
  mean: number;
  p99: number;
  max: number;
  /** Share of the 10 ms spans with no arrival. */
  emptyShare: number;
  /** Share of the requests that arrived in the busiest 10 % of the 10 ms spans. */
  busiestTenthShare: number;
}

/** Records each request's arrival at `server` while the scenario runs; `spread()` summarises them. */
export function arrivalRecorder(server: Server): Around & { spread(): ArrivalSpread | null } {
  let times: number[] = [];
  const onRequest = () => times.push(performance.now());
  return {
    start() {
      times = [];
      server.on('request', onRequest);
    },
    stop() {
      server.off('request', onRequest);
    },
    spread() {
      if (times.length < 2) return null;
      const first = times[0];
      const counts = new Array<number>(Math.floor((times[times.length - 1] - first) / BUCKET_MS) + 1).fill(0);
      for (const t of times) counts[Math.floor((t - first) / BUCKET_MS)]++;
      const sorted = [...counts].sort((a, b) => a - b);
      const tenth = Math.max(1, Math.round(sorted.length / 10));
      return {
        requests: times.length,
        mean: times.length / counts.length,
        p99: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))],
        max: sorted[sorted.length - 1],
        emptyShare: counts.filter((c) => c === 0).length / counts.length,
        busiestTenthShare: sorted.slice(-tenth).reduce((a, b) => a + b, 0) / times.length,
      };
    },
  };
}
