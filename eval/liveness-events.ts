// npm run eval:liveness:events -- [--write eval/manifests/shared-faces.json]
//
// What each person in the shared videos actually does, measured from the engine's mesh over the whole
// clip at the capture rate: their usual head pose, every head turn (direction, when it reaches the
// turn angle, its peak) and every blink (when, how deep, the eye detail of its frames). With --write, the
// eval:liveness manifest is made from these events, not from pass/fail: a challenge window starts a fixed
// lead time before the measured event (the person's "reaction" to the prompt), two challenges when two
// events fall into consecutive slots; passive windows tile every clip; and each recording that performs
// one challenge order is also replayed against every order whose first challenge differs (attacks).
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/platform/config.js';
import { findBlink, sequenceBaseline, wrongMove, type Challenge, type MotionSample } from '../src/biometrics/challenges.rules.js';
import { TURN_FROM_YAW } from '../src/biometrics/video-check.rules.js';
import { CHALLENGES } from '../src/biometrics/challenges.rules.js';
import { createCachedPool, videoFrames } from './liveness-cache.js';
import { faceDataDir, hasFfmpeg } from './face-data.js';

const args = process.argv.slice(2);
const writeTo = args.includes('--write') ? args[args.indexOf('--write') + 1] : null;
const dir = faceDataDir();
if (!dir || !hasFfmpeg()) {
  console.log(`SKIP: ${!dir ? 'face data not found (set FACE_DATA_DIR)' : 'ffmpeg not found'}`);
  process.exit(0);
}
const vc = loadConfig().videoCheck;
const FPS = vc.capture.fps;
const SLOT = vc.liveness.challengeWindowMs / 1000;
const ANGLE = vc.liveness.turnYawDegrees;
/** Lead times: the event happens this long after its prompt appeared. */
const BLINK_LEAD = 1.0;
const TURN_LEAD = 1.2;
const MAX_PER_MODE = 3;
/** Least time between a prompt and the start of the movement it asks for. */
const REACTION = 0.4;

const { pool, cachedPool } = createCachedPool(vc.poolSize);
await pool.start();

interface Event {
  kind: Challenge;
  /** Seconds into the clip when the event was completed (turn: reached the angle; blink: eyes open again). */
  at: number;
  /** When the movement started (turn: last near-frontal frame before; blink: first frame of the dip). */
  start: number;
  detail: string;
}

const videos = fs.readdirSync(path.join(dir, 'video')).filter((f) => f.endsWith('.mp4')).sort();
const manifest: unknown[] = [];
const rel = (p: string) => `$FACE_DATA_DIR/${p}`;
for (const video of videos) {
  const name = path.basename(video, '.mp4');
  const files = videoFrames(path.join(dir, 'video', video), FPS);
  const analyses = await Promise.all(files.map((f) => cachedPool.run({ type: 'analyze', jpeg: fs.readFileSync(f) })));
  const samples: MotionSample[] = analyses.map((a, i) => ({
    t: (i * 1000) / FPS,
    turn: a.primary ? a.primary.yaw * TURN_FROM_YAW : null,
    leftEye: a.primary?.leftEye ?? null,
    rightEye: a.primary?.rightEye ?? null,
    eyeDetail: a.primary?.eyeDetail ?? null,
  }));
  // Over a whole clip the eyes are open most of the time: their median is their open level (events are
  // measured against the clip, windows are then judged by the server's own rules).
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const withEyes = samples.filter((s) => s.leftEye !== null && s.rightEye !== null);
  const open = { left: median(withEyes.map((s) => s.leftEye!)), right: median(withEyes.map((s) => s.rightEye!)) };
  const events: Event[] = [];
  // Turns: against the median pose of the surrounding 3 s, from a near-frontal frame (within half the angle).
  const turns = samples.map((s) => s.turn);
  const localBase = turns.map((_, i) => {
    const w = turns.slice(Math.max(0, i - 1.5 * FPS), i + 1.5 * FPS).filter((t): t is number => t !== null).sort((a, b) => a - b);
    return w.length ? w[w.length >> 1] : 0;
  });
  for (const direction of [1, -1] as const) {
    let lastFrontal = -Infinity;
    let inTurn = false;
    let peak = 0;
    for (let i = 0; i < turns.length; i++) {
      const t = turns[i];
      if (t === null) continue;
      const rel = (t - localBase[i]) * direction;
      if (Math.abs(t - localBase[i]) < ANGLE / 2) {
        if (inTurn) events[events.length - 1].detail = `peak ${peak.toFixed(1)}°`;
        lastFrontal = i;
        inTurn = false;
      }
      if (inTurn) peak = Math.max(peak, rel);
      if (!inTurn && rel >= ANGLE && i - lastFrontal <= 1.5 * FPS) {
        inTurn = true;
        peak = rel;
        events.push({ kind: direction === 1 ? 'TURN_LEFT' : 'TURN_RIGHT', at: i / FPS, start: lastFrontal / FPS, detail: `peak ${peak.toFixed(1)}°` });
      }
    }
    if (inTurn) events[events.length - 1].detail = `peak ${peak.toFixed(1)}°`;
  }
  // Blinks: each dip that closes both eyes, whatever the eye detail (measured, not judged).
  let cursor = 0;
  while (cursor < samples.length) {
    const b = findBlink(samples, cursor, samples.length, open, { ...vc.liveness, minEyeDetail: 0, minBlinkDetailShare: 0 });
    if (b.index < 0) break;
    let s = b.index - 1;
    while (s > 0 && samples[s - 1].leftEye !== null && Math.max(samples[s - 1].leftEye! / open.left, samples[s - 1].rightEye! / open.right) < 0.85) s--;
    events.push({ kind: 'BLINK', at: b.index / FPS, start: s / FPS, detail: `${b.index - s} frame(s) below open, deepest ${b.deepest.toFixed(2)} of open, eye detail ${b.eyeDetail?.toFixed(2) ?? 'n/a'}` });
    cursor = b.index + 1;
  }
  events.sort((a, b) => a.at - b.at);
  const yaws = turns.filter((t): t is number => t !== null).sort((a, b) => a - b);
  const duration = files.length / FPS;
  console.log(`\n${name}: ${duration.toFixed(1)} s, ${files.length} frames; usual turn ${yaws[yaws.length >> 1]?.toFixed(1)}° (range ${yaws[0]?.toFixed(1)}…${yaws[yaws.length - 1]?.toFixed(1)}°, + = person's left); eyes open ${open.left.toFixed(2)}/${open.right.toFixed(2)}`);
  for (const e of events) console.log(`  ${e.at.toFixed(2).padStart(6)} s  ${e.kind.padEnd(10)} (from ${e.start.toFixed(2)} s) ${e.detail}`);

  // Windows from the events.
  const entry = (start: number, seconds: number, challenges: Challenge[], kind = 'bona-fide', family?: string) => ({
    video: rel(`video/${video}`),
    reference: rel(`registry/photos/${name}.jpg`),
    start: Math.round(start * FPS) / FPS,
    seconds,
    challenges,
    kind,
    ...(family ? { family } : {}),
  });
  const active: Array<ReturnType<typeof entry>> = [];
  const count = new Map<string, number>();
  // A window performs its challenges only when no slot also holds another move (a turn the other way, a
  // turn where a blink is asked): such a recording does not show this order, whatever else it shows.
  // Another move is what the server calls one (wrongMove, against the window's own usual pose), besides
  // the turn events measured against the clip's local pose.
  const clean = (e: ReturnType<typeof entry>) => {
    const first = Math.round(e.start * FPS);
    const window = samples.slice(first, first + Math.round(e.seconds * FPS));
    const { turn: usual } = sequenceBaseline(window, ANGLE);
    return e.challenges.every((c, k) => {
      const from = e.start + k * SLOT;
      const to = from + SLOT;
      const slot = [Math.round(k * SLOT * FPS), Math.round((k + 1) * SLOT * FPS)];
      return !events.some((x) => x.at >= from && x.at < to && x.kind !== c && x.kind !== 'BLINK') && wrongMove(window, slot[0], Math.min(window.length, slot[1]), c, usual, vc.liveness) === null;
    });
  };
  const windows = new Set<string>();
  const add = (e: ReturnType<typeof entry>) => {
    const key = e.challenges.join('+');
    if (!clean(e)) return;
    // The same window found from two events is one presentation.
    const id = `${e.start}|${e.seconds}|${key}`;
    if (windows.has(id)) return;
    windows.add(id);
    if ((count.get(key) ?? 0) >= MAX_PER_MODE || e.start < 0 || e.start + e.seconds > duration + 1e-6) return;
    count.set(key, (count.get(key) ?? 0) + 1);
    active.push(e);
  };
  // The prompt comes first: a window starts its lead time before the event completes, and a reaction time
  // before the movement began (eyes lowered for a second before the window are no blink performed in it).
  const promptAt = (e: Event) => Math.min(e.at - (e.kind === 'BLINK' ? BLINK_LEAD : TURN_LEAD), e.start - REACTION);
  for (const e of events) add(entry(promptAt(e), SLOT, [e.kind]));
  for (const a of events) {
    for (const b of events) {
      if (b.kind === a.kind || b.start <= a.at) continue;
      const s = promptAt(a);
      // b must fall in the second slot, after its prompt (its own lead time) and before the slot ends.
      const bInSlot = b.at - s;
      if (bInSlot < SLOT + (b.kind === 'BLINK' ? 0.3 : 0.6) || bInSlot > 2 * SLOT) continue;
      add(entry(s, 2 * SLOT, [a.kind, b.kind]));
    }
  }
  manifest.push(...active);
  // Passive: the whole clip in windows of the passive length.
  for (let s = 0; s + vc.capture.passiveSeconds <= duration + 1e-6; s += vc.capture.passiveSeconds) manifest.push(entry(s, vc.capture.passiveSeconds, []));
  // A clip shorter than a passive capture is presented whole (a shorter capture than the browser makes).
  if (duration < vc.capture.passiveSeconds) manifest.push(entry(0, Math.floor(duration * 10) / 10, []));
  // A recording of one order replayed against every other order (one per performed order).
  const modes: Challenge[][] = [...CHALLENGES.map((c) => [c]), ...CHALLENGES.flatMap((a) => CHALLENGES.filter((b) => b !== a).map((b) => [a, b]))];
  const seen = new Set<string>();
  for (const e of active) {
    const key = e.challenges.join('+');
    if (seen.has(key)) continue;
    seen.add(key);
    for (const m of modes) {
      // Another order: the recording's first move is not the one asked first.
      if (m[0] === e.challenges[0]) continue;
      manifest.push({ ...entry(e.start, m.length * SLOT, m, 'attack', 'replay-other-order'), note: `recording of ${key}` });
    }
  }
  console.log(`  windows: ${[...count].map(([k, n]) => `${k} ×${n}`).join(', ') || 'no challenge performed'}; passive ×${Math.floor((duration + 1e-6) / vc.capture.passiveSeconds)}`);
}
for (const spoof of fs.readdirSync(path.join(dir, 'spoof')).filter((f) => f.endsWith('.mp4')).sort()) {
  const m = /(d\d+|s\d+)/.exec(spoof);
  if (!m) continue;
  for (const challenges of [[], ...CHALLENGES.map((c) => [c])] as Challenge[][]) {
    manifest.push({ video: rel(`spoof/${spoof}`), reference: rel(`registry/photos/${m[1]}.jpg`), start: 0, seconds: Math.max(vc.capture.passiveSeconds, challenges.length * SLOT), challenges, kind: 'attack', family: spoof.startsWith('two-faces') ? 'two-faces-recorded' : 'still-replay-recorded' });
  }
}
await pool.close();
if (writeTo) {
  fs.writeFileSync(writeTo, JSON.stringify(manifest, null, 1).replace(/\n\s+(?=[\]\w"$-])/g, ' ') + '\n');
  console.log(`\nwrote ${manifest.length} presentations to ${writeTo}`);
}
