// npm run eval:liveness -- --manifest <file.json> [--json] [--no-generated] [--only d9,s18]
//
// Runs presentations through the server's own analysis (analyzeCheck + decideOutcome, frames at the
// server's capture rate) and prints each outcome with its reasons and liveness evidence, then APCER
// (attacks reaching PASSED or UNDER_REVIEW) and BPCER (bona fide presentations not reaching PASSED or
// UNDER_REVIEW), per attack family × challenge mode and per person.
//
// The manifest is a JSON array of presentations:
//   {"video", "reference", "start", "seconds", "challenges": [...], "kind": "bona-fide" | "attack", "family"?, "note"?}
// Paths are relative to the manifest; a path starting with `$FACE_DATA_DIR/` is resolved against the
// configured face-data folder (FACE_DATA_DIR, default ../shared/faces), so the shipped manifest works from
// any checkout beside the data. Besides the manifest's presentations, every reference photo in it gets the
// generated attacks of eval/liveness-attacks.ts in every challenge mode (--no-generated skips them).
//
// Frames are extracted once per video into a temp folder; per-frame analyses are cached on disk by the
// frame's bytes and the engine's source (LIVENESS_EVAL_CACHE, default <tmp>/digitalid-liveness-eval), so a
// second run only re-judges. --json: the last line is {"apcer":x,"bpcer":y,"results":[…]}.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/platform/config.js';
import { assessReference, type ReferenceTemplate } from '../src/biometrics/match.rules.js';
import { analyzeCheck, type CheckAnalysis } from '../src/biometrics/video-check.analysis.js';
import { decideOutcome } from '../src/biometrics/video-check.rules.js';
import { CHALLENGES, type Challenge } from '../src/biometrics/challenges.rules.js';
import sharp from 'sharp';
import { hasFfmpeg } from './face-data.js';
import { createCachedPool, videoFrames as cachedVideoFrames } from './liveness-cache.js';
import { addNoise, animationSchedule, baseFrame, layoutFromPoints, pasteSkinOverEyes, tiltPhoto, toJpeg, warpTurn, zoomPan, type AnimatedKind, type Raw } from './liveness-attacks.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const here = path.dirname(fileURLToPath(import.meta.url));
const manifestPath = path.resolve(option('--manifest') ?? path.join(here, 'manifests', 'shared-faces.json'));
const json = flag('--json');
const only = option('--only')?.split(',');
const log = (line: string) => {
  if (!json) console.log(line);
  else process.stderr.write(line + '\n');
};

const config = loadConfig();
const vc = config.videoCheck;
const FPS = vc.capture.fps;
const SLOT_MS = vc.liveness.challengeWindowMs;
const PASSIVE_MS = vc.capture.passiveSeconds * 1000;

interface Presentation {
  video: string;
  reference: string;
  start: number;
  seconds: number;
  challenges: Challenge[];
  kind: 'bona-fide' | 'attack';
  family?: string;
  note?: string;
}

function resolvePath(p: string): string {
  if (p.startsWith('$FACE_DATA_DIR/')) return path.join(config.faceDataDir, p.slice('$FACE_DATA_DIR/'.length));
  return path.resolve(path.dirname(manifestPath), p);
}

function loadManifest(): Presentation[] {
  const raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${manifestPath}: expected a JSON array of presentations`);
  return raw.map((e, i) => {
    const bad = (why: string) => new Error(`${manifestPath} entry ${i}: ${why}`);
    if (typeof e.video !== 'string' || typeof e.reference !== 'string') throw bad('video and reference must be paths');
    if (typeof e.start !== 'number' || typeof e.seconds !== 'number' || e.seconds <= 0) throw bad('start and seconds must be numbers');
    if (!Array.isArray(e.challenges) || !e.challenges.every((c: unknown) => (CHALLENGES as readonly unknown[]).includes(c))) throw bad(`challenges must be a list of ${CHALLENGES.join(', ')}`);
    if (e.kind !== 'bona-fide' && e.kind !== 'attack') throw bad('kind must be "bona-fide" or "attack"');
    return e as Presentation;
  });
}

const { pool, cachedPool, stats: cacheStats, engineVersion } = createCachedPool(vc.poolSize);
const videoFrames = (video: string) => cachedVideoFrames(resolvePath(video), FPS);

if (!fs.existsSync(manifestPath)) {
  console.error(`manifest ${manifestPath} not found`);
  process.exit(2);
}
const manifest = loadManifest().filter((p) => !only || only.includes(personOf(p.reference)));
const missing = [...new Set(manifest.flatMap((p) => [p.video, p.reference]))].filter((p) => !fs.existsSync(resolvePath(p)));
if (missing.length > 0 || !hasFfmpeg()) {
  console.log(`SKIP: ${!hasFfmpeg() ? 'ffmpeg not found' : `face data not found (${missing.slice(0, 3).map(resolvePath).join(', ')}…; set FACE_DATA_DIR)`}`);
  process.exit(0);
}

function personOf(reference: string): string {
  return path.basename(reference).replace(/\.[a-z]+$/i, '');
}

function slice(video: string, start: number, seconds: number): Buffer[] {
  const all = videoFrames(video);
  const first = Math.round(start * FPS);
  const count = Math.min(vc.capture.maxFrames, Math.round(seconds * FPS));
  return all.slice(first, first + count).map((f) => fs.readFileSync(f));
}

const references = new Map<string, Promise<ReferenceTemplate>>();
function reference(file: string): Promise<ReferenceTemplate> {
  if (!references.has(file)) references.set(file, cachedPool.run({ type: 'describePhoto', jpeg: fs.readFileSync(resolvePath(file)) }).then(assessReference));
  return references.get(file)!;
}

export interface Result {
  id: string;
  person: string;
  kind: 'bona-fide' | 'attack';
  family: string;
  mode: string;
  outcome: string;
  reasons: string[];
  frames: number;
  similarity: number | null;
  evidence: string;
}

async function judge(frames: Buffer[], challenges: readonly Challenge[], referenceFile: string): Promise<{ analysis: CheckAnalysis; outcome: string }> {
  const timestamps = frames.map((_, i) => Math.round((i * 1000) / FPS));
  const analysis = await analyzeCheck(cachedPool, vc, { frames, timestamps, challenges, reference: () => reference(referenceFile) });
  const d = decideOutcome(analysis.judgement, analysis.similarity, { matchThreshold: vc.matchThreshold, failedBefore: 0, maxFailedChecks: vc.maxFailedChecks });
  return { analysis, outcome: d.outcome };
}

const modeName = (c: readonly Challenge[]) => (c.length === 0 ? 'passive' : c.join('+'));
function evidenceLine(a: CheckAnalysis): string {
  const j = a.judgement;
  const trace = j.challengeTrace.map((t) => `${t.challenge}:${t.met ? 'met' : 'not met'} (${t.detail})`).join('; ');
  const signals = j.evidence.signals.map((s) => `${s.signal}=${s.value}${s.threshold !== undefined ? ` (${s.passed ? 'ok' : 'x'} ${s.threshold})` : ''}`).join(', ');
  return [trace, signals].filter(Boolean).join(' | ');
}

const results: Result[] = [];
async function record(id: string, p: { person: string; kind: 'bona-fide' | 'attack'; family: string; challenges: readonly Challenge[]; reference: string }, frames: Buffer[]) {
  const { analysis, outcome } = await judge(frames, p.challenges, p.reference);
  const r: Result = {
    id,
    person: p.person,
    kind: p.kind,
    family: p.family,
    mode: modeName(p.challenges),
    outcome,
    reasons: analysis.judgement.reasons,
    frames: frames.length,
    similarity: analysis.similarity === null ? null : Math.round(analysis.similarity * 1000) / 1000,
    evidence: evidenceLine(analysis),
  };
  results.push(r);
  const bad = r.kind === 'attack' ? r.outcome === 'PASSED' || r.outcome === 'UNDER_REVIEW' : !(r.outcome === 'PASSED' || r.outcome === 'UNDER_REVIEW');
  log(`  ${bad ? '✗' : ' '} ${id.padEnd(46)} ${r.outcome.padEnd(12)} ${(r.reasons.join(',') || '-').padEnd(30)} sim ${r.similarity ?? '  -  '}  ${r.evidence}`);
}

const TWO_FACES_FRAMES = 24;
/** Nose shift of a fake turn, in face widths: enough for the mesh to report a turn past the angle (12–19° on the shared photos). */
const WARP_AMOUNT = 0.45;

// Every challenge mode a check can draw: none (passive), one challenge, two in any order.
const MODES: Challenge[][] = [[], ...CHALLENGES.map((c) => [c]), ...CHALLENGES.flatMap((a) => CHALLENGES.filter((b) => b !== a).map((b) => [a, b]))];

await pool.start();
const started = Date.now();
log(`eval:liveness — manifest ${path.relative(process.cwd(), manifestPath)}; capture ${FPS} fps, challenge slot ${SLOT_MS} ms, passive ${PASSIVE_MS} ms, max ${vc.capture.maxFrames} frames; engine ${engineVersion}`);
log('\nManifest presentations');
for (const p of manifest) {
  const id = `${p.family ?? (p.kind === 'bona-fide' ? 'bona-fide' : 'attack')}:${path.basename(p.video)}@${p.start}s[${modeName(p.challenges)}]`;
  await record(id, { person: personOf(p.reference), kind: p.kind, family: p.family ?? (p.kind === 'bona-fide' ? 'bona-fide' : 'recorded-attack'), challenges: p.challenges, reference: p.reference }, slice(p.video, p.start, p.seconds));
}

if (!flag('--no-generated')) {
  log('\nGenerated attacks (every reference photo × every attack × every challenge mode)');
  const refs = [...new Set(manifest.map((p) => p.reference))];
  const persons = refs.map((r) => ({ reference: r, person: personOf(r) }));
  for (const [pi, { reference: ref, person }] of persons.entries()) {
    const base = await baseFrame(fs.readFileSync(resolvePath(ref)));
    const baseJpeg = await toJpeg(base);
    const baseAnalysis = await cachedPool.run({ type: 'analyze', jpeg: baseJpeg });
    if (!baseAnalysis.primary) {
      log(`  ${person}: no face on the reference photo; its generated attacks are skipped`);
      continue;
    }
    const face = layoutFromPoints(baseAnalysis.primary.points);
    const passiveFrames = Math.round((PASSIVE_MS * FPS) / 1000);
    const framesFor = (challenges: readonly Challenge[]) => Math.min(vc.capture.maxFrames, challenges.length > 0 ? Math.round((challenges.length * SLOT_MS * FPS) / 1000) : passiveFrames);
    // Still replay (sensor noise, 6 patterns in turn) and zoom/pan replay (a screen showing the photo
    // moving, 30 positions each held 3 frames): the same clip for every mode.
    const longest = Math.max(...MODES.map(framesFor));
    const noisy: Buffer[] = [];
    for (let k = 0; k < 6; k++) noisy.push(await toJpeg(addNoise(base, k + 1)));
    const positions: Buffer[] = [];
    for (let k = 0; k < 30; k++) {
      const t = k / 29;
      positions.push(await toJpeg(zoomPan(base, 1 + 0.18 * t, 0.04 * Math.sin(2 * Math.PI * t), 0.02 * t)));
    }
    const still = Array.from({ length: longest }, (_, i) => noisy[i % noisy.length]);
    const moving = Array.from({ length: longest }, (_, i) => positions[Math.min(positions.length - 1, Math.floor((i * positions.length) / longest))]);
    // Animated photos: identical frames repeat, so each distinct picture is analysed once.
    const pictures = new Map<string, Promise<Buffer>>();
    const picture = (key: string, make: () => Raw) => {
      if (!pictures.has(key)) pictures.set(key, toJpeg(make()));
      return pictures.get(key)!;
    };
    const animated = async (kind: AnimatedKind, challenges: readonly Challenge[]) => {
      const schedule = animationSchedule(kind, challenges, { fps: FPS, slotMs: SLOT_MS, passiveMs: PASSIVE_MS });
      return Promise.all(
        schedule.slice(0, vc.capture.maxFrames).map(({ turn, blink }) =>
          picture(`${kind}:${turn}:${blink}`, () => {
            let img = base;
            if (turn !== 0) img = kind === 'warped-turns' ? warpTurn(img, face, WARP_AMOUNT * turn) : tiltPhoto(img, 35 * turn);
            if (blink) img = pasteSkinOverEyes(img, face);
            return img;
          }),
        ),
      );
    };
    // Two faces: this person's own recording with another shared person's face beside them.
    const own = manifest.find((p) => p.kind === 'bona-fide' && p.reference === ref);
    const other = persons[(pi + 1) % persons.length];
    const otherVideo = manifest.find((p) => p.reference === other.reference && p.kind === 'bona-fide');
    for (const challenges of MODES) {
      const n = framesFor(challenges);
      const at = { person, kind: 'attack' as const, challenges, reference: ref };
      await record(`still-replay:${person}[${modeName(challenges)}]`, { ...at, family: 'still-replay' }, still.slice(0, n));
      await record(`zoom-pan-replay:${person}[${modeName(challenges)}]`, { ...at, family: 'zoom-pan-replay' }, moving.slice(0, n));
      await record(`warped-turns:${person}[${modeName(challenges)}]`, { ...at, family: 'warped-turns' }, await animated('warped-turns', challenges));
      await record(`pasted-blinks:${person}[${modeName(challenges)}]`, { ...at, family: 'pasted-blinks' }, await animated('pasted-blinks', challenges));
      if (own && otherVideo) {
        // The refusal rests on a second face in ≥ 2 frames: 24 frames (1.6 s) of the composite serve every
        // mode, which keeps the eval's model time within reach on a shared machine.
        const frames = await twoFaces(own, otherVideo, Math.min(n, TWO_FACES_FRAMES));
        await record(`two-faces:${person}+${other.person}[${modeName(challenges)}]`, { ...at, family: 'two-faces' }, frames);
      }
    }
  }
}

/**
 * Two people side by side in one frame: this person's recording and the other person's, each cropped
 * around its face (as the engine finds it on the window's first frame) and scaled to the same size, so
 * that both faces are whole, equally large and centred in their halves — a second face the server must
 * see in every frame.
 */
async function twoFaces(own: Presentation, other: Presentation, count: number): Promise<Buffer[]> {
  const HALF = 320;
  const halves = await Promise.all(
    [own, other].map(async (p) => {
      const files = videoFrames(p.video).slice(Math.round(p.start * FPS), Math.round(p.start * FPS) + count);
      const first = await cachedPool.run({ type: 'analyze', jpeg: fs.readFileSync(files[0]) });
      if (!first.primary) throw new Error(`two-faces: no face on the first frame of ${p.video}@${p.start}`);
      const [x, y, w, h] = first.primary.alignBox;
      // A square 2.2 face heights wide around the face, inside the frame.
      const side = Math.min(first.width, first.height, Math.round(2.2 * Math.max(w, h)));
      const left = Math.max(0, Math.min(first.width - side, Math.round(x + w / 2 - side / 2)));
      const top = Math.max(0, Math.min(first.height - side, Math.round(y + h / 2 - side / 2)));
      return Promise.all(files.map((f) => sharp(f).extract({ left, top, width: side, height: side }).resize(HALF, HALF).raw().toBuffer()));
    }),
  );
  const n = Math.min(halves[0].length, halves[1].length);
  return Promise.all(
    Array.from({ length: n }, (_, k) =>
      sharp({ create: { width: 2 * HALF, height: HALF, channels: 3, background: { r: 0, g: 0, b: 0 } } })
        .composite([
          { input: halves[0][k], raw: { width: HALF, height: HALF, channels: 3 }, left: 0, top: 0 },
          { input: halves[1][k], raw: { width: HALF, height: HALF, channels: 3 }, left: HALF, top: 0 },
        ])
        .jpeg({ quality: 88 })
        .toBuffer(),
    ),
  );
}

await pool.close();

// --- summary
const accepted = (r: Result) => r.outcome === 'PASSED' || r.outcome === 'UNDER_REVIEW';
const pct = (a: number, b: number) => (b === 0 ? '   n/a' : `${((100 * a) / b).toFixed(1).padStart(5)} %`);
const attacks = results.filter((r) => r.kind === 'attack');
const bona = results.filter((r) => r.kind === 'bona-fide');
const families = [...new Set(attacks.map((r) => r.family))];
const modes = MODES.map(modeName);
log(`\nAPCER (attacks reaching PASSED or UNDER_REVIEW) by attack family × challenge mode — accepted/total`);
log(`  ${'family'.padEnd(18)} ${modes.map((m) => m.padStart(20)).join('')}`);
for (const f of families) {
  const cells = modes.map((m) => {
    const rs = attacks.filter((r) => r.family === f && r.mode === m);
    return (rs.length === 0 ? 'n/a' : `${rs.filter(accepted).length}/${rs.length}`).padStart(20);
  });
  log(`  ${f.padEnd(18)} ${cells.join('')}`);
}
log(`\nPer person: attacks accepted / total; bona fide refused / total; passive RETRY`);
for (const person of [...new Set(results.map((r) => r.person))]) {
  const a = attacks.filter((r) => r.person === person);
  const b = bona.filter((r) => r.person === person);
  const bp = b.filter((r) => r.mode === 'passive');
  log(`  ${person.padEnd(6)} attacks ${a.filter(accepted).length}/${a.length}   bona fide refused ${b.filter((r) => !accepted(r)).length}/${b.length}   passive RETRY ${bp.filter((r) => r.outcome === 'RETRY' || r.outcome === 'LOCKED').length}/${bp.length}`);
}
const apcer = attacks.filter(accepted).length / Math.max(1, attacks.length);
const active = bona.filter((r) => r.mode !== 'passive');
const passive = bona.filter((r) => r.mode === 'passive');
const bpcer = bona.filter((r) => !accepted(r)).length / Math.max(1, bona.length);
log(`\nAPCER all attacks: ${attacks.filter(accepted).length}/${attacks.length} = ${pct(attacks.filter(accepted).length, attacks.length)}`);
log(`BPCER with the challenges the person performs: ${active.filter((r) => !accepted(r)).length}/${active.length} = ${pct(active.filter((r) => !accepted(r)).length, active.length)}`);
log(`BPCER passive mode: ${passive.filter((r) => !accepted(r)).length}/${passive.length} = ${pct(passive.filter((r) => !accepted(r)).length, passive.length)}; RETRY ${passive.filter((r) => r.outcome === 'RETRY').length}; PASSED ${passive.filter((r) => r.outcome === 'PASSED').length}; UNDER_REVIEW ${passive.filter((r) => r.outcome === 'UNDER_REVIEW').length}`);
log(`(${results.length} presentations in ${Math.round((Date.now() - started) / 1000)} s; engine calls ${cacheStats.engineCalls}, cached ${cacheStats.cacheHits})`);
if (json) console.log(JSON.stringify({ apcer, bpcer, results }));
