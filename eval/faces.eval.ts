// npm run eval:faces — face matching accuracy of each candidate pipeline on faces/pairs (every photo
// pair: same person = genuine, different persons = impostor), the FNMR at FMR 1 % and 0.1 %, the
// threshold chosen by default, per-stage timings, and multi-frame fusion on the videos.
import fs from 'node:fs';
import path from 'node:path';
import { createFaceEngine, decodeJpeg, type DecodedImage } from '../src/biometrics/engine/face-engine.js';
import { cosineSimilarity, fuseDescriptors, ratesAtFmr, ratesAtThreshold, summarize } from '../src/biometrics/match.rules.js';
import { loadConfig } from '../src/platform/config.js';
import { extractFrames, faceDataDir, hasFfmpeg, pairPersons } from './face-data.js';

const dir = faceDataDir();
if (!dir) {
  console.log('SKIP: face data not found (set FACE_DATA_DIR to the shared faces folder)');
  process.exit(0);
}

type Vec = ArrayLike<number>;
interface Sample {
  person: string;
  file: string;
  vectors: Record<string, Vec | null>;
}

const PIPELINES = {
  'human-faceres': 'Human detect+mesh, faceres embedding (1024-d), cosine',
  'faceapi-ssd': 'face-api full: SSD + 68 landmarks + 128-d descriptor',
  'human+faceapi-lm68': 'Human box → face-api 68-landmark net → min box +20 % → 128-d descriptor',
  'human-mesh-aligned': 'Human mesh → 68-landmark stand-in min box +20 % → 128-d descriptor (default)',
  'unaligned-box': 'Human face box crop → 128-d descriptor (no alignment)',
} as const;
type PipelineName = keyof typeof PIPELINES;

const engine = await createFaceEngine({ faceres: true });
const timings: Record<string, number[]> = { decode: [], 'human detect+mesh (+faceres,+antispoof,+liveness)': [], 'descriptor (aligned crop)': [], 'face-api 68-landmark net + descriptor': [], 'face-api full SSD path': [] };
const samples: Sample[] = [];
const persons = pairPersons(dir);

async function time<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  timings[label].push(performance.now() - t0);
  return out;
}

let noFace = 0;
const calibration: number[][] = [];
for (const [person, files] of persons) {
  for (const file of files) {
    const jpeg = fs.readFileSync(file);
    const image: DecodedImage = await time('decode', () => decodeJpeg(jpeg));
    const analysis = await time('human detect+mesh (+faceres,+antispoof,+liveness)', () => engine.analyzeDecoded(image));
    const vectors: Record<string, Vec | null> = {};
    if (analysis.primary) {
      const p = analysis.primary;
      vectors['human-faceres'] = analysis.faceres ?? null;
      vectors['human-mesh-aligned'] = await time('descriptor (aligned crop)', () => engine.describe(image, p.alignBox));
      vectors['unaligned-box'] = await engine.describe(image, p.box);
      vectors['human+faceapi-lm68'] = (await time('face-api 68-landmark net + descriptor', () => engine.extras.faceApiLandmarksInBox(image, p.box))).descriptor;
    } else {
      noFace++;
    }
    const full = await time('face-api full SSD path', () => engine.extras.faceApiFull(image));
    vectors['faceapi-ssd'] = full?.descriptor ?? null;
    if (full && analysis.primary) {
      const m = analysis.primary.alignBox;
      const f = full.alignBox;
      calibration.push([(m[0] - f[0]) / f[2], (m[1] - f[1]) / f[3], m[2] / f[2], m[3] / f[3]]);
    }
    samples.push({ person, file: path.relative(dir, file), vectors });
  }
}

function scores(name: string, score: (a: Sample, b: Sample) => number | null): { genuine: number[]; impostor: number[]; failed: number } {
  const genuine: number[] = [];
  const impostor: number[] = [];
  let failed = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const s = score(samples[i], samples[j]);
      const same = samples[i].person === samples[j].person;
      // A photo with no face found cannot match: it scores the minimum (counts as a non-match).
      const value = s ?? -1;
      if (s === null) failed++;
      (same ? genuine : impostor).push(value);
    }
  }
  void name;
  return { genuine, impostor, failed };
}

const cos = (key: PipelineName) => (a: Sample, b: Sample) => {
  const va = a.vectors[key];
  const vb = b.vectors[key];
  return va && vb ? cosineSimilarity(va, vb) : null;
};

const results: Array<{ name: string; genuine: number[]; impostor: number[]; failed: number }> = [];
for (const name of Object.keys(PIPELINES) as PipelineName[]) results.push({ name, ...scores(name, cos(name)) });

// Score fusion of faceres and the aligned descriptor: z-normalised by the impostor distribution of each.
const zParams = (name: string) => {
  const r = results.find((x) => x.name === name)!;
  const imp = r.impostor.filter((s) => s > -1);
  const mean = imp.reduce((a, b) => a + b, 0) / imp.length;
  const sd = Math.sqrt(imp.reduce((a, b) => a + (b - mean) ** 2, 0) / imp.length);
  return { mean, sd };
};
const zF = zParams('human-faceres');
const zA = zParams('human-mesh-aligned');
// Reference photo through face-api's full path (once, on import), probe through the cheap mesh path.
results.push({
  name: 'mixed ref:ssd probe:mesh',
  ...scores('mixed', (a, b) => {
    const va = a.vectors['faceapi-ssd'];
    const vb = b.vectors['human-mesh-aligned'];
    return va && vb ? cosineSimilarity(va, vb) : null;
  }),
});
results.push({
  name: 'fusion faceres+mesh-aligned',
  ...scores('fusion', (a, b) => {
    const f = cos('human-faceres')(a, b);
    const d = cos('human-mesh-aligned')(a, b);
    return f === null || d === null ? null : ((f - zF.mean) / zF.sd + (d - zA.mean) / zA.sd) / 2;
  }),
});

{
  const mean = (k: number) => calibration.reduce((a, c) => a + c[k], 0) / calibration.length;
  console.log(`alignment box of the mesh vs face-api's (mean over ${calibration.length} photos): dx/w ${mean(0).toFixed(3)} dy/h ${mean(1).toFixed(3)} w ratio ${mean(2).toFixed(3)} h ratio ${mean(3).toFixed(3)}`);
}
const fmt = (n: number, d = 3) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
const pct = (n: number) => `${(n * 100).toFixed(1)} %`;
const genuineCount = results[0].genuine.length;
const impostorCount = results[0].impostor.length;
console.log(`faces/pairs: ${persons.size} persons, ${samples.length} photos (${noFace} with no face found by Human), ${genuineCount} genuine / ${impostorCount} impostor pairs\n`);
console.log('Score distributions (cosine similarity; fusion: mean z-score) — min / p5 / median / p95 / max');
for (const r of results) {
  const g = summarize(r.genuine);
  const i = summarize(r.impostor);
  console.log(`  ${r.name.padEnd(30)} genuine  ${[g.min, g.p5, g.median, g.p95, g.max].map((x) => fmt(x)).join(' / ')}`);
  console.log(`  ${''.padEnd(30)} impostor ${[i.min, i.p5, i.median, i.p95, i.max].map((x) => fmt(x)).join(' / ')}`);
}
console.log('\nError rates (FNMR = genuine pairs refused; TAR = 1 − FNMR)');
console.log(`  ${'pipeline'.padEnd(30)} ${'FNMR@FMR1%'.padEnd(12)} ${'thr@1%'.padEnd(8)} ${'FNMR@FMR0.1%'.padEnd(13)} ${'thr@0.1%'.padEnd(8)} TAR@0.1%`);
for (const r of results) {
  const a = ratesAtFmr(r.genuine, r.impostor, 0.01);
  const b = ratesAtFmr(r.genuine, r.impostor, 0.001);
  console.log(`  ${r.name.padEnd(30)} ${pct(a.fnmr).padEnd(12)} ${fmt(a.threshold).padEnd(8)} ${pct(b.fnmr).padEnd(13)} ${fmt(b.threshold).padEnd(8)} ${pct(1 - b.fnmr)}`);
}

const config = loadConfig();
const accept = config.videoCheck.matchThreshold;
const chosen = results.find((r) => r.name === 'human-mesh-aligned')!;
const at = ratesAtThreshold(chosen.genuine, chosen.impostor, accept);
console.log(`\nDefault pipeline: human-mesh-aligned; accept threshold VIDEO_CHECK_MATCH_THRESHOLD = ${accept} → FMR ${pct(at.fmr)}, FNMR ${pct(at.fnmr)} on pairs`);

console.log('\nMean time per photo (ms)');
for (const [label, values] of Object.entries(timings)) {
  if (values.length === 0) continue;
  const sorted = [...values].sort((a, b) => a - b);
  console.log(`  ${label.padEnd(52)} mean ${fmt(values.reduce((a, b) => a + b, 0) / values.length, 1).padStart(7)}  median ${fmt(sorted[Math.floor(sorted.length / 2)], 1).padStart(7)}`);
}

// Multi-frame fusion on the videos against the registry photos: single frames vs the 3 best frames averaged.
if (!hasFfmpeg()) {
  console.log('\nSKIP multi-frame fusion: ffmpeg not found');
} else {
  const csv = fs.readFileSync(path.join(dir, 'registry', 'videos.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const videos = csv.map((l) => path.basename(l.split(',')[1], '.mp4'));
  const refs = new Map<string, Float32Array>();
  for (const v of videos) {
    const d = await engine.describePhoto(fs.readFileSync(path.join(dir, 'registry', 'photos', `${v}.jpg`)));
    if (d) refs.set(v, d);
  }
  const single = { genuine: [] as number[], impostor: [] as number[] };
  const fused = { genuine: [] as number[], impostor: [] as number[] };
  for (const v of videos) {
    // 8 frames at 4 fps from 1 s in: the first second holds the frame the registry photo was made from.
    const { frames } = extractFrames(path.join(dir, 'video', `${v}.mp4`), { fps: 4, count: 8, startSeconds: 1 });
    const described: Array<{ d: Float32Array; quality: number }> = [];
    for (const jpeg of frames) {
      const image = await decodeJpeg(jpeg);
      const a = await engine.analyzeDecoded(image);
      if (!a.primary) continue;
      // best frames: most frontal and sharpest
      const quality = a.primary.sharpness / (1 + Math.abs(a.primary.yaw) / 10);
      described.push({ d: await engine.describe(image, a.primary.alignBox), quality });
    }
    const best = [...described].sort((x, y) => y.quality - x.quality).slice(0, 3).map((x) => x.d);
    const probe = fuseDescriptors(best);
    for (const [refName, ref] of refs) {
      const bucket = refName === v ? 'genuine' : 'impostor';
      for (const x of described) single[bucket].push(cosineSimilarity(x.d, ref));
      if (best.length > 0) fused[bucket].push(cosineSimilarity(probe, ref));
    }
  }
  console.log(`\nMulti-frame fusion on video/ (8 frames at 4 fps from 1 s) against registry/photos (${videos.length} persons)`);
  for (const [label, s] of [['single frame', single], ['best 3 averaged', fused]] as const) {
    const g = summarize(s.genuine);
    const i = summarize(s.impostor);
    const r = ratesAtThreshold(s.genuine, s.impostor, accept);
    console.log(`  ${label.padEnd(16)} genuine min/median ${fmt(g.min)}/${fmt(g.median)} (n=${g.n})  impostor median/max ${fmt(i.median)}/${fmt(i.max)} (n=${i.n})  at ${accept}: FNMR ${pct(r.fnmr)} FMR ${pct(r.fmr)}`);
  }
  // Fusion on pairs: two photos of a person averaged against a third photo of them / of others.
  const pg: number[] = [];
  const pi: number[] = [];
  const byPerson = new Map<string, Sample[]>();
  for (const s of samples) byPerson.set(s.person, [...(byPerson.get(s.person) ?? []), s]);
  for (const [person, list] of byPerson) {
    const ok = list.filter((s) => s.vectors['human-mesh-aligned']);
    if (ok.length < 3) continue;
    for (let r = 0; r < ok.length; r++) {
      const others = ok.filter((_, k) => k !== r);
      const probe = fuseDescriptors(others.slice(0, 2).map((s) => s.vectors['human-mesh-aligned']!));
      pg.push(cosineSimilarity(probe, ok[r].vectors['human-mesh-aligned']!));
      for (const s of samples) if (s.person !== person && s.vectors['human-mesh-aligned']) pi.push(cosineSimilarity(probe, s.vectors['human-mesh-aligned']!));
    }
  }
  const a = ratesAtFmr(pg, pi, 0.001);
  const r = ratesAtThreshold(pg, pi, accept);
  console.log(`  pairs, 2 photos averaged vs a 3rd: ${pg.length} genuine / ${pi.length} impostor; FNMR@FMR0.1% ${pct(a.fnmr)} (thr ${fmt(a.threshold)}); at ${accept}: FNMR ${pct(r.fnmr)} FMR ${pct(r.fmr)}`);
}
