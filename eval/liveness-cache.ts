// Shared by eval:liveness and its event measurement: frames of a video extracted once at a rate, and the
// engine's per-frame analyses cached on disk by the frame's bytes and the engine's source, so that
// re-judging (rules only) costs no model time. Cache folder: LIVENESS_EVAL_CACHE, default
// <tmp>/digitalid-liveness-eval.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EnginePool } from '../src/biometrics/engine/engine.pool.js';
import type { EngineResultOf, EngineTask } from '../src/biometrics/engine/engine.protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const cacheRoot = process.env.LIVENESS_EVAL_CACHE ?? path.join(os.tmpdir(), 'digitalid-liveness-eval');
export const framesDir = path.join(cacheRoot, 'frames');

export function createCachedPool(size: number) {
  const engineSources = ['../src/biometrics/engine/face-engine.ts', '../src/biometrics/engine/frame-measures.ts'].map((f) => fs.readFileSync(path.join(here, f)));
  const engineVersion = crypto.createHash('sha1').update(Buffer.concat(engineSources)).digest('hex').slice(0, 12);
  // Descriptors also depend on the alignment and the descriptor nets: their results are keyed by those
  // sources too, so a matching change re-describes without re-analysing every frame.
  const describeSources = ['../src/biometrics/engine/face-align.ts', '../src/biometrics/engine/face-descriptors.ts', '../src/biometrics/match.rules.ts'].map((f) => fs.readFileSync(path.join(here, f)));
  const describeVersion = crypto.createHash('sha1').update(Buffer.concat(describeSources)).digest('hex').slice(0, 12);
  const analysisDir = path.join(cacheRoot, 'analysis', engineVersion);
  fs.mkdirSync(analysisDir, { recursive: true });
  const pool = new EnginePool({ size, queueMax: 1_000_000, taskTimeoutMs: 300_000 });
  const stats = { engineCalls: 0, cacheHits: 0 };
  const cachedPool = {
    async run<T extends EngineTask>(task: T): Promise<EngineResultOf<T['type']>> {
      const { jpeg, ...rest } = task;
      const key = crypto.createHash('sha1').update(jpeg).update(JSON.stringify(rest)).update(task.type === 'analyze' ? '' : describeVersion).digest('hex');
      const file = path.join(analysisDir, `${key}.json`);
      if (fs.existsSync(file)) {
        stats.cacheHits++;
        return JSON.parse(fs.readFileSync(file, 'utf8'));
      }
      stats.engineCalls++;
      const value = await pool.run(task);
      fs.writeFileSync(file, JSON.stringify(value));
      return value;
    },
  };
  return { pool, cachedPool, stats, engineVersion };
}

/** Every frame of `video` at `fps` (JPEG files), extracted once. */
export function videoFrames(video: string, fps: number): string[] {
  const dir = path.join(framesDir, crypto.createHash('sha1').update(`${video}@${fps}`).digest('hex').slice(0, 16));
  if (!fs.existsSync(path.join(dir, 'done'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('ffmpeg', ['-v', 'error', '-i', video, '-vf', `fps=${fps}`, '-q:v', '4', path.join(dir, 'f%05d.jpg')]);
    fs.writeFileSync(path.join(dir, 'done'), '');
  }
  return fs.readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(dir, f));
}
