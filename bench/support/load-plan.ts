// A load plan (bench/support/load-process.ts) carried out: autocannon, a paced open-loop rate
// (load-paced.ts), or sequential refresh-token chains. Run in a child process (load-child.ts), or for
// comparison in the benchmark's own process.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { LoadPlan, LoadResult } from './load-process.js';
import { collectedOf, percentiles, runPaced, variantAt } from './load-paced.js';

/** Sends the plan's requests; the answer without CPU figures (the caller measures those). */
export async function runPlan(plan: LoadPlan): Promise<Omit<LoadResult, 'cpuMs'>> {
  if (plan.kind === 'requests') return runRequests(plan);
  if (plan.kind === 'paced') return runPaced(plan);
  return runRefreshChains(plan);
}

function refusalOf(status: number, body: string): string {
  return `${status} ${body.slice(0, 300)}`;
}

async function runRequests(plan: Extract<LoadPlan, { kind: 'requests' }>): Promise<Omit<LoadResult, 'cpuMs'>> {
  let next = 0;
  let firstRefusal: string | null = null;
  const collected: Array<string | null> | undefined = plan.collect ? plan.variants.map(() => null) : undefined;
  const started = performance.now();
  let lastAnswerAt = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        ...(plan.amount !== undefined ? { amount: plan.amount } : { duration: plan.seconds }),
        ...(plan.overallRate !== undefined ? { overallRate: plan.overallRate } : {}),
        requests: [
          {
            method: plan.method,
            path: plan.path,
            // One request in flight a connection: its context says which variant it sent.
            setupRequest: (req, context) => {
              const i = next++;
              (context as { variant?: number }).variant = i;
              const variant = variantAt(plan, i) ?? plan.variants[plan.variants.length - 1];
              return { ...req, headers: variant.headers, ...(variant.body !== undefined ? { body: variant.body } : {}), ...(variant.path !== undefined ? { path: variant.path } : {}) };
            },
            onResponse: (status, body, context, headers) => {
              lastAnswerAt = performance.now();
              if (status >= 300 && firstRefusal === null) firstRefusal = refusalOf(status, body);
              const i = (context as { variant: number }).variant;
              if (collected && !plan.cycle && i < collected.length) collected[i] = collectedOf(plan, status, body, headers);
            },
          },
        ],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
  });
  // Answers up to the last one: autocannon ends a run only at its next one-second sample and averages
  // whole-second samples, so a run of a fixed amount answered in 4.1 s or in 4.9 s gave the same rate
  // (4000 requests: exactly 800/s, or 1000/s in 4 samples).
  return {
    rps: Math.round(result.requests.total / ((lastAnswerAt - started) / 1000)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
    sent: result.requests.sent,
    firstRefusal,
    ...(collected ? { collected } : {}),
  };
}

/** One sequential chain per seed: each refresh answer carries the next refresh token (autocannon cannot wait for it). */
async function runRefreshChains(plan: Extract<LoadPlan, { kind: 'refresh-chains' }>): Promise<Omit<LoadResult, 'cpuMs'>> {
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let firstRefusal: string | null = null;
  const started = performance.now();
  const until = started + plan.seconds * 1000;
  await Promise.all(
    plan.seeds.map(async (seed) => {
      let refreshToken = seed;
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          const res = await fetch(plan.url, { method: 'POST', headers: plan.headers, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString() });
          const body = await res.text();
          latencies.push(performance.now() - t0);
          if (res.status >= 300) {
            non2xx++;
            firstRefusal ??= refusalOf(res.status, body);
            return;
          }
          refreshToken = (JSON.parse(body) as { refresh_token: string }).refresh_token;
        } catch {
          errors++;
          return;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { p50, p99 } = percentiles(latencies);
  return { rps: Math.round(latencies.length / seconds), p50: Math.round(p50), p99: Math.round(p99), non2xx, errors, requests: latencies.length, sent: latencies.length + errors, firstRefusal };
}
