// npm run bench:video-check — latency of one video check (8 and 16 frames) and checks/s with the worker
// pool, beside the raw model time per frame measured in the same run; the event loop lag and HTTP
// latency of a Fastify server in this process while the pool is saturated.
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify from 'fastify';
import { loadConfig } from '../src/platform/config.js';
import { EnginePool } from '../src/biometrics/engine/engine.pool.js';
import { analyzeCheck, MATCH_FRAMES } from '../src/biometrics/video-check.analysis.js';
import { FACE_PIPELINE } from '../src/biometrics/match.rules.js';
import { extractFrames, faceDataDir, hasFfmpeg } from '../eval/face-data.js';

const dir = faceDataDir();
if (!dir || !hasFfmpeg()) {
  console.log(`SKIP: ${!dir ? 'face data not found (set FACE_DATA_DIR)' : 'ffmpeg not found'}`);
  process.exit(0);
}
const vc = loadConfig().videoCheck;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const { frames: all, timestamps: allTs } = extractFrames(path.join(dir, 'video', 'd9.mp4'), { fps: 8, count: 16, startSeconds: 9 });
// Matching cost only; the value is irrelevant here.
const reference = { template: Array.from({ length: FACE_PIPELINE.parts.reduce((n, p) => n + p.dims, 0) }, (_, i) => Math.sin(i)) };
// The frame counts checks have at the configured capture rate: passive, and with the default challenges.
const PASSIVE_FRAMES = Math.min(vc.capture.maxFrames, Math.round(vc.capture.passiveSeconds * vc.capture.fps));
const CHALLENGE_FRAMES = Math.min(vc.capture.maxFrames, Math.round((vc.challengeCount * vc.liveness.challengeWindowMs * vc.capture.fps) / 1000));
const atRate = extractFrames(path.join(dir, 'video', 'd9.mp4'), { fps: vc.capture.fps, count: Math.max(PASSIVE_FRAMES, CHALLENGE_FRAMES), startSeconds: 9 });

const pool = new EnginePool({ size: vc.poolSize, queueMax: 100_000, taskTimeoutMs: 120_000 });
let t0 = performance.now();
await pool.start();
// wait for every worker, not just the first
while (pool.stats().ready < vc.poolSize) await new Promise((r) => setTimeout(r, 100));
console.log(`pool: ${vc.poolSize} workers ready in ${Math.round(performance.now() - t0)} ms (Node ${process.version}, ${loadConfig().videoCheck.poolSize} cores configured)\n`);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (n: number) => n.toFixed(1).padStart(7);

// 1. Raw model time per frame: frames one at a time, as measured inside the worker (decode + Human; descriptor).
const perFrame: number[] = [];
const decode: number[] = [];
const describe: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const jpeg of all.slice(0, 8)) {
    const a = await pool.run({ type: 'analyze', jpeg });
    perFrame.push(a.modelMs);
    decode.push(a.decodeMs);
    const before = pool.stats().workerMs;
    await pool.run({ type: 'describe', jpeg, face: { alignBox: a.primary!.alignBox, landmarks: a.primary!.landmarks } });
    describe.push(pool.stats().workerMs - before);
  }
}
const modelMs = median(perFrame);
const decodeMs = median(decode);
const describeMs = median(describe);
console.log('Raw model time per frame (median, inside the worker, one frame at a time)');
console.log(`  JPEG decode (sharp)                ${fmt(decodeMs)} ms`);
console.log(`  Human detect+mesh+iris+antispoof+liveness ${fmt(modelMs)} ms`);
console.log(`  descriptor ${FACE_PIPELINE.version.padEnd(23)} ${fmt(describeMs)} ms   (${MATCH_FRAMES} per check: the best frames; decode + aligned crop + nets)\n`);

// 2. Latency of one check alone (all its frames across the pool, then the descriptors of the best MATCH_FRAMES).
console.log(`One check alone (median of rounds); raw = frames × (decode + Human) + ${MATCH_FRAMES} × descriptor, serial`);
for (const n of [8, 16]) {
  const lat: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    t0 = performance.now();
    const a = await analyzeCheck(pool, { ...vc, liveness: { ...vc.liveness, minLivenessScore: 0 } }, { frames: all.slice(0, n), timestamps: allTs.slice(0, n), challenges: [], reference: async () => reference });
    lat.push(performance.now() - t0);
    if (a.similarity === null) console.log('  (warning: the sequence did not reach matching)');
  }
  const raw = n * (decodeMs + modelMs) + MATCH_FRAMES * describeMs;
  console.log(`  ${String(n).padStart(2)} frames: ${fmt(median(lat))} ms   raw ${fmt(raw)} ms   ratio ${(median(lat) / raw).toFixed(2)}   (one worker's share of raw with ${vc.poolSize} workers: ${(raw / vc.poolSize).toFixed(0)} ms)`);
}
console.log(`At the capture rate (${vc.capture.fps} fps): a passive check has ${PASSIVE_FRAMES} frames, one with ${vc.challengeCount} challenges ${CHALLENGE_FRAMES}`);
for (const n of [PASSIVE_FRAMES, CHALLENGE_FRAMES]) {
  const lat: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    t0 = performance.now();
    await analyzeCheck(pool, { ...vc, liveness: { ...vc.liveness, minLivenessScore: 0 } }, { frames: atRate.frames.slice(0, n), timestamps: atRate.timestamps.slice(0, n), challenges: [], reference: async () => reference });
    lat.push(performance.now() - t0);
  }
  console.log(`  ${String(n).padStart(2)} frames: ${fmt(median(lat))} ms   (${fmt(median(lat) / n)} ms per frame)`);
}

// 3. Throughput with the pool saturated, and the HTTP event loop meanwhile — beside the same loop's
// delay with the pool idle, which shows what the machine itself adds (other processes, scheduling).
const idleLag = monitorEventLoopDelay({ resolution: 5 });
idleLag.enable();
await new Promise((r) => setTimeout(r, 3000));
idleLag.disable();
const app = Fastify();
app.get('/healthz', async () => ({ status: 'ok' }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const CHECKS = Number(process.env.BENCH_CHECKS ?? 12);
const CONCURRENCY = vc.poolSize * 2;
const lag = monitorEventLoopDelay({ resolution: 5 });
const httpLatency: number[] = [];
let saturated = true;
const pinger = (async () => {
  while (saturated) {
    const s = performance.now();
    await fetch(`${url}/healthz`).then((r) => r.text());
    httpLatency.push(performance.now() - s);
    await new Promise((r) => setTimeout(r, 50));
  }
})();
lag.enable();
t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < CHECKS) {
      next++;
      await analyzeCheck(pool, vc, { frames: all.slice(0, 8), timestamps: allTs.slice(0, 8), challenges: [], reference: async () => reference });
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
lag.disable();
saturated = false;
await pinger;
await app.close();
const sorted = [...httpLatency].sort((a, b) => a - b);
console.log(`\nSaturated: ${CHECKS} checks of 8 frames, ${CONCURRENCY} at a time, on ${vc.poolSize} workers`);
console.log(`  throughput            ${(CHECKS / seconds).toFixed(2)} checks/s (${((CHECKS * 8) / seconds).toFixed(1)} frames/s)`);
console.log(`  event loop delay idle p50 ${(idleLag.percentile(50) / 1e6).toFixed(1)} ms   p99 ${(idleLag.percentile(99) / 1e6).toFixed(1)} ms   max ${(idleLag.max / 1e6).toFixed(1)} ms   (pool idle, same process, before the run)`);
console.log(`  event loop delay      p50 ${(lag.percentile(50) / 1e6).toFixed(1)} ms   p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms   max ${(lag.max / 1e6).toFixed(1)} ms`);
console.log(`  GET /healthz latency  p50 ${median(sorted).toFixed(1)} ms   p99 ${sorted[Math.floor(sorted.length * 0.99)]?.toFixed(1)} ms   (${sorted.length} requests)`);
await pool.close();
