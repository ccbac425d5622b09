// An open-loop load at a paced rate, for "p99 at a fixed N req/s": request i is due at its scheduled time
// whatever happened to the requests before it, and its latency counts from that time (no coordinated
// omission: a slow answer or a late send makes the next requests' latency longer, it does not postpone
// them). autocannon's overallRate is not this: each connection sends its share of a second back to back
// as soon as the second starts and then waits, so all of a second's requests arrive together and p99
// measures how fast a burst drains (bench/api.bench.ts prints the arrivals per 10 ms of both).
// Requests go over keep-alive connections (http-connections.ts); a request that finds none free waits
// for one and counts as late.
import { performance } from 'node:perf_hooks';
import type { LoadPlan, LoadResult, RequestSpec, RequestVariant } from './load-process.js';
import { ConnectionPool, requestBytes } from './http-connections.js';

/** After the schedule, how long answers are awaited before the rest count as unanswered. */
const DRAIN_MS = 30_000;

/** The i-th request of a spec (numbered when asked), or null when every variant was sent once and none follows. */
export function variantAt(spec: RequestSpec, i: number): RequestVariant | null {
  const variant = spec.cycle ? spec.variants[i % spec.variants.length] : (spec.variants[i] ?? spec.exhausted ?? null);
  if (!variant || spec.numberedFrom === undefined) return variant;
  const n = spec.numberedFrom + i;
  const fill = (s: string) => s.replaceAll('{n}', String(n % 1e7).padStart(7, '0')).replaceAll('{address}', `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
  return {
    headers: Object.fromEntries(Object.entries(variant.headers).map(([k, v]) => [k, fill(v)])),
    ...(variant.body !== undefined ? { body: fill(variant.body) } : {}),
    ...(variant.path !== undefined ? { path: fill(variant.path) } : {}),
  };
}

/** What a collecting plan keeps of one answer: a JSON field or a cookie's `name=value`. */
export function collectedOf(spec: RequestSpec, status: number, body: string, headers: Record<string, unknown> | undefined): string | null {
  if (!spec.collect || status < 200 || status >= 300) return null;
  if ('json' in spec.collect) {
    const value = (JSON.parse(body) as Record<string, unknown>)[spec.collect.json];
    return typeof value === 'string' ? value : null;
  }
  const setCookie = [headers?.['set-cookie'] ?? []].flat().join(';');
  return new RegExp(`${spec.collect.cookie}=[^;]+`).exec(setCookie)?.[0] ?? null;
}

/** Latency percentiles, ms, of unsorted samples (Infinity: never answered). */
export function percentiles(latencies: number[]): { p50: number; p99: number; p999: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const round = (ms: number) => (Number.isFinite(ms) ? Math.round(ms * 10) / 10 : ms);
  return { p50: round(at(0.5)), p99: round(at(0.99)), p999: round(at(0.999)) };
}

export async function runPaced(plan: Extract<LoadPlan, { kind: 'paced' }>): Promise<Omit<LoadResult, 'cpuMs'>> {
  const target = new URL(plan.url);
  const pool = new ConnectionPool(target.hostname, Number(target.port), plan.connections);
  const interval = 1000 / plan.rate;
  const total = Math.round(plan.rate * plan.seconds);
  // The schedule, fixed before the first send: constant steps, or exponential gaps of the same mean.
  const start = performance.now() + 50;
  const due = new Float64Array(total);
  for (let i = 0, t = start; i < total; i++) {
    due[i] = t;
    t += plan.arrivals === 'constant' ? interval : -Math.log(1 - Math.random()) * interval;
  }
  const lateAfterMs = Math.max(2, interval);
  const latencies: number[] = [];
  /** From the moment each request had its connection: without the generator's lag and the wait for a connection. */
  const fromSend: number[] = [];
  const collected: Array<string | null> | undefined = plan.collect ? plan.variants.map(() => null) : undefined;
  let sent = 0;
  let late = 0;
  let maxLagMs = 0;
  let non2xx = 0;
  let errors = 0;
  let firstRefusal: string | null = null;
  let lastSentAt = start;
  let lastAnswerAt = start;
  let outstanding = 0;
  let settle: () => void = () => {};
  const allAnswered = new Promise<void>((resolve) => (settle = resolve));

  const send = (i: number) => {
    const variant = variantAt(plan, i);
    if (!variant) return;
    sent++;
    outstanding++;
    const scheduled = due[i];
    let sentAt = scheduled;
    const done = () => {
      lastAnswerAt = performance.now();
      if (--outstanding === 0 && sent === total) settle();
    };
    pool.request({
      bytes: requestBytes(plan.method, variant.path ?? plan.path, target.host, variant.headers, variant.body),
      onSent() {
        sentAt = lastSentAt = performance.now();
        const lag = sentAt - scheduled;
        maxLagMs = Math.max(maxLagMs, lag);
        if (lag > lateAfterMs) late++;
      },
      onAnswer({ status, body, headers }) {
        latencies.push(performance.now() - scheduled);
        fromSend.push(performance.now() - sentAt);
        if (status >= 300) {
          non2xx++;
          firstRefusal ??= `${status} ${body.slice(0, 300)}`;
        }
        if (collected && !plan.cycle && i < collected.length) collected[i] = collectedOf(plan, status, body, headers);
        done();
      },
      onError() {
        errors++;
        latencies.push(Infinity);
        done();
      },
    });
  };

  // One timer at a time, set for the next due request; on waking, every request now due leaves (a late
  // timer sends its backlog at once, and the lag shows in those requests' latency and in `late`).
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && due[next] <= now) send(next++);
      if (next < total) setTimeout(tick, Math.max(0, due[next] - performance.now()));
      else resolve();
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  if (outstanding === 0) settle();
  const drained = await Promise.race([allAnswered.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), DRAIN_MS))]);
  const unanswered = drained ? 0 : outstanding;
  for (let k = 0; k < unanswered; k++) latencies.push(Infinity);
  pool.close();
  const answered = latencies.filter(Number.isFinite).length;
  const { p50, p99, p999 } = percentiles(latencies);
  return {
    rps: Math.round(answered / ((lastAnswerAt - start) / 1000)),
    p50,
    p99,
    non2xx,
    errors: errors + unanswered,
    requests: answered,
    sent,
    firstRefusal,
    ...(collected ? { collected } : {}),
    pacing: { target: plan.rate, sentRate: Math.round(sent / ((lastSentAt - start) / 1000 + interval / 1000)), p999, p99FromSend: percentiles(fromSend).p99, late, lateAfterMs, maxLagMs, unanswered, connections: pool.opened },
  };
}
