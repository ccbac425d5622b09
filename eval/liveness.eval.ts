// npm run eval:liveness — genuine videos (each with the challenges its person performs) must pass;
// replays of a still photo and a second face in the frame must be refused. Prints each presentation's
// outcome, then APCER (attacks accepted) and BPCER (genuine refused) on this set.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/platform/config.js';
import { EnginePool } from '../src/biometrics/engine/engine.pool.js';
import { assessReference, type ReferenceTemplate } from '../src/biometrics/match.rules.js';
import { analyzeCheck } from '../src/biometrics/video-check.analysis.js';
import { decideOutcome } from '../src/biometrics/video-check.rules.js';
import type { Challenge } from '../src/biometrics/challenges.rules.js';
import { extractFrames, faceDataDir, hasFfmpeg } from './face-data.js';

const dir = faceDataDir();
if (!dir || !hasFfmpeg()) {
  console.log(`SKIP: ${!dir ? 'face data not found (set FACE_DATA_DIR)' : 'ffmpeg not found'}`);
  process.exit(0);
}
const config = loadConfig();
const vc = config.videoCheck;
const FPS = vc.capture.fps;

// What each person does in their recording (from the per-frame traces), as the challenges of a check
// whose capture starts at `start` seconds and lasts `seconds`.
const GENUINE: Array<{ video: string; start: number; seconds: number; challenges: Challenge[] }> = [
  { video: 'd9', start: 9, seconds: 6, challenges: ['BLINK', 'TURN_LEFT'] },
  { video: 'd3', start: 1, seconds: 6, challenges: ['BLINK', 'TURN_LEFT', 'TURN_RIGHT'] },
  { video: 'd6', start: 6.5, seconds: 4, challenges: ['BLINK'] },
  { video: 'd10', start: 7, seconds: 4, challenges: ['BLINK'] },
  { video: 'd11', start: 4, seconds: 4, challenges: ['TURN_LEFT', 'BLINK'] },
  { video: 'd12', start: 1, seconds: 4, challenges: ['TURN_LEFT', 'TURN_RIGHT'] },
  { video: 'd14', start: 3, seconds: 4, challenges: ['BLINK'] },
  { video: 'd0', start: 0, seconds: 3, challenges: [] },
];
const ATTACK_CHALLENGES: Challenge[][] = [['TURN_LEFT'], ['TURN_RIGHT'], ['BLINK'], ['TURN_LEFT', 'BLINK'], []];
const ATTACKS = [
  { file: 'spoof/still-replay-d0.mp4', reference: 'd0' },
  { file: 'spoof/still-replay-d9.mp4', reference: 'd9' },
  { file: 'spoof/still-replay-d12.mp4', reference: 'd12' },
  { file: 'spoof/two-faces-d9-d12.mp4', reference: 'd9' },
];

const pool = new EnginePool({ size: vc.poolSize, queueMax: 100_000, taskTimeoutMs: 120_000 });
await pool.start();
const references = new Map<string, ReferenceTemplate>();
async function reference(name: string): Promise<ReferenceTemplate> {
  if (!references.has(name)) references.set(name, assessReference(await pool.run({ type: 'describePhoto', jpeg: fs.readFileSync(path.join(dir!, 'registry', 'photos', `${name}.jpg`)) })));
  return references.get(name)!;
}

async function present(file: string, start: number, seconds: number, challenges: Challenge[], ref: string) {
  const { frames, timestamps } = extractFrames(path.join(dir!, file), { fps: FPS, count: Math.min(vc.capture.maxFrames, Math.round(seconds * FPS)), startSeconds: start });
  const a = await analyzeCheck(pool, vc, { frames, timestamps, challenges, reference: () => reference(ref) });
  const d = decideOutcome(a.judgement, a.similarity, { matchThreshold: vc.matchThreshold, failedBefore: 0, maxFailedChecks: vc.maxFailedChecks });
  return { outcome: d.outcome, a, frames: frames.length };
}

const line = (label: string, r: Awaited<ReturnType<typeof present>>) =>
  `  ${label.padEnd(44)} ${r.outcome.padEnd(12)} ${(r.a.judgement.reasons.join(',') || '-').padEnd(34)} frames ${String(r.frames).padStart(2)}  passive ${r.a.judgement.passiveScore.toFixed(2)}  active ${r.a.judgement.activeScore.toFixed(2)}  liveness ${r.a.judgement.livenessScore.toFixed(2)}  similarity ${r.a.similarity === null ? '  -  ' : r.a.similarity.toFixed(3)}`;

console.log(`Capture ${FPS} fps; turn ≥ ${vc.liveness.turnYawDegrees}° from the usual pose; blink: both eyes < ${vc.liveness.blinkClosedRatio} of open in a dip of ≥ ${vc.liveness.minBlinkFrames} frames; liveness ≥ ${vc.liveness.minLivenessScore}; match ≥ ${vc.matchThreshold}\n`);
console.log('Bona fide presentations (must pass)');
let bonaFide = 0;
let bonaFideRefused = 0;
let passiveBonaFide = 0;
let passiveRefused = 0;
for (const g of GENUINE) {
  const r = await present(`video/${g.video}.mp4`, g.start, g.seconds, g.challenges, g.video);
  bonaFide++;
  if (r.outcome !== 'PASSED') bonaFideRefused++;
  console.log(line(`${g.video} [${g.challenges.join(',') || 'passive'}]`, r));
  if (g.challenges.length > 0) {
    const p = await present(`video/${g.video}.mp4`, g.start, g.seconds, [], g.video);
    passiveBonaFide++;
    if (p.outcome !== 'PASSED') passiveRefused++;
    console.log(line(`${g.video} [passive]`, p));
  }
}
console.log('\nAttack presentations (must be refused)');
let attacks = 0;
let accepted = 0;
const byMode = new Map<string, { n: number; accepted: number }>();
for (const at of ATTACKS) {
  for (const challenges of ATTACK_CHALLENGES) {
    const r = await present(at.file, 0, 4, challenges, at.reference);
    const mode = challenges.join(',') || 'passive';
    const m = byMode.get(mode) ?? { n: 0, accepted: 0 };
    m.n++;
    attacks++;
    if (r.outcome === 'PASSED' || r.outcome === 'UNDER_REVIEW') {
      accepted++;
      m.accepted++;
    }
    byMode.set(mode, m);
    console.log(line(`${path.basename(at.file, '.mp4')} [${mode}]`, r));
  }
}
await pool.close();
const pct = (a: number, b: number) => `${a}/${b} = ${((100 * a) / Math.max(1, b)).toFixed(1)} %`;
console.log('\nSummary (an attack counts as accepted when it reaches PASSED or UNDER_REVIEW)');
console.log(`  APCER (attacks accepted), all modes: ${pct(accepted, attacks)}`);
for (const [mode, m] of byMode) console.log(`    challenges ${mode.padEnd(18)} ${pct(m.accepted, m.n)}`);
console.log(`  BPCER (genuine refused), with the challenges they perform: ${pct(bonaFideRefused, bonaFide)}`);
console.log(`  BPCER in passive mode (VIDEO_CHECK_CHALLENGES=none): ${pct(passiveRefused, passiveBonaFide)}`);
