// eval:faces --compare: every descriptor variant (face-descriptors.ts), Human's own faceres, the old
// deployed path (reference through face-api's SSD path, probe through the mesh box) and score fusions,
// on the same pairs as the deployed evaluation. Each photo and frame goes through Human's mesh once;
// each variant then describes the crop that mesh aligns, alike for references and probes.
import fs from 'node:fs';
import { createFaceEngine, decodeJpeg, type FrameAnalysis } from '../src/biometrics/engine/face-engine.js';
import { ALL_VARIANTS, type DescriptorVariant } from '../src/biometrics/engine/face-descriptors.js';
import { cosineSimilarity, fuseDescriptors } from '../src/biometrics/match.rules.js';
import { loadConfig } from '../src/platform/config.js';
import { bestFramesOf, printTable, scorePairs, type Dataset, type Scored } from './faces.dataset.js';

type Vectors = Record<string, number[]>;
interface Described {
  analysis: FrameAnalysis | null;
  vectors: Vectors;
}
type Cache = Record<string, Described>;

const OLD_PATH = 'old: ref faceapi-ssd, probe faceapi-box';

export async function runComparison(data: Dataset, options: { cacheFile?: string; variants?: DescriptorVariant[] }): Promise<void> {
  const VARIANTS = options.variants ?? ALL_VARIANTS;
  const vc = loadConfig().videoCheck;
  const cache: Cache = options.cacheFile && fs.existsSync(options.cacheFile) ? JSON.parse(fs.readFileSync(options.cacheFile, 'utf8')) : {};
  const timings: Record<string, number[]> = {};
  let engine: Awaited<ReturnType<typeof createFaceEngine>> | null = null;
  const getEngine = async () => {
    if (!engine) {
      const t0 = performance.now();
      engine = await createFaceEngine({ faceres: true, variants: VARIANTS });
      console.log(`engine with every variant loaded in ${Math.round(performance.now() - t0)} ms; graph model load + warm-up: ${JSON.stringify(engine.extras.loadMs)}`);
    }
    return engine;
  };
  const time = async <T>(label: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    const out = await fn();
    (timings[label] ??= []).push(performance.now() - t0);
    return out;
  };

  async function describe(key: string, jpeg: Buffer, opts: { ssd: boolean; vectors: boolean }): Promise<Described> {
    const hit = cache[key];
    const missing = (d: Described) => (opts.vectors && d.analysis?.primary ? VARIANTS.filter((v) => !d.vectors[v]) : []);
    if (hit && missing(hit).length === 0) return hit;
    const e = await getEngine();
    const image = await decodeJpeg(jpeg);
    if (hit) {
      // A variant added since the cache was written: describe the cached face with it only.
      for (const v of missing(hit)) hit.vectors[v] = Array.from((await time(v, () => e.extras.describeVariants(image, hit.analysis!.primary!, [v])))[v]);
      return hit;
    }
    const analysis = await time('human analyze (+faceres)', () => e.analyzeDecoded(image));
    const vectors: Vectors = {};
    if (analysis.primary && opts.vectors) {
      const face = analysis.primary;
      for (const v of VARIANTS) vectors[v] = Array.from((await time(v, () => e.extras.describeVariants(image, face, [v])))[v]);
      if (analysis.faceres) vectors['human-faceres'] = analysis.faceres;
    }
    if (opts.ssd) {
      const full = await e.extras.faceApiFull(image);
      if (full) vectors['faceapi-ssd'] = Array.from(full.descriptor);
    }
    delete analysis.faceres;
    return (cache[key] = { analysis, vectors });
  }

  const photos: Described[] = [];
  for (const p of data.photos) photos.push(await describe(p.key, p.jpeg, { ssd: true, vectors: true }));
  const windows: Described[][] = [];
  for (const w of data.windows) {
    const frames: Described[] = [];
    for (let i = 0; i < w.frames.length; i++) frames.push(await describe(`${w.key}#${i}`, w.frames[i], { ssd: false, vectors: false }));
    const best = bestFramesOf(frames.map((f) => f.analysis!), w.timestamps, vc);
    for (const i of best) frames[i] = await describe(`${w.key}#${i}`, w.frames[i], { ssd: false, vectors: true });
    windows.push(best.map((i) => frames[i]));
  }
  if (options.cacheFile) fs.writeFileSync(options.cacheFile, JSON.stringify(cache));

  // One cosine per (reference, probe) for a variant; a probe window fuses its best frames first.
  const single = (refKey: string, probeKey: string = refKey): Scored =>
    scorePairs(data, (r, probe) => {
      const ref = photos[r].vectors[refKey];
      const frames = 'photo' in probe ? [photos[probe.photo]] : windows[probe.window];
      const vs = frames.map((f) => f.vectors[probeKey]).filter(Boolean);
      return ref && vs.length > 0 ? cosineSimilarity(fuseDescriptors(vs), ref) : null;
    });
  const names = [...VARIANTS, 'human-faceres'];
  const results = new Map<string, Scored>();
  for (const n of names) results.set(n, single(n));
  results.set(OLD_PATH, single('faceapi-ssd', 'faceapi-box'));

  // Score-level fusion: the weighted mean of two or three variants' cosines.
  const rank = (s: Scored) => {
    const sorted = [...s.impostor].sort((a, b) => b - a);
    const thr = sorted[Math.floor(0.0001 * sorted.length)];
    return s.genuine.filter((g) => g <= thr).length / s.genuine.length;
  };
  const best = [...names].sort((a, b) => rank(results.get(a)!) - rank(results.get(b)!)).slice(0, 4);
  const fused = (parts: Array<[string, number]>): Scored =>
    scorePairs(data, (r, probe) => {
      let total = 0;
      for (const [n, w] of parts) {
        const ref = photos[r].vectors[n];
        const frames = 'photo' in probe ? [photos[probe.photo]] : windows[probe.window];
        const vs = frames.map((f) => f.vectors[n]).filter(Boolean);
        if (!ref || vs.length === 0) return null;
        total += w * cosineSimilarity(fuseDescriptors(vs), ref);
      }
      return total;
    });
  for (let i = 0; i < best.length; i++) {
    for (let j = i + 1; j < best.length; j++) {
      for (const w of [0.5, 0.7, 0.3]) results.set(`fusion ${best[i]}×${w}+${best[j]}×${(1 - w).toFixed(1)}`, fused([[best[i], w], [best[j], 1 - w]]));
    }
  }
  if (best.length >= 3) results.set(`fusion ${best.slice(0, 3).join('+')} (1/3 each)`, fused(best.slice(0, 3).map((n) => [n, 1 / 3] as [string, number])));

  const rows = [...results].map(([name, scored]) => ({ name, scored })).sort((a, b) => rank(a.scored) - rank(b.scored));
  console.log(`\nAll pairs (photos of both sets as references; photos and video checks as probes), sorted by FNMR at FMR 0.01 %:`);
  printTable(rows);
  console.log('\nGenuine video checks only (registry photo vs its person’s video windows): min / median per variant');
  for (const { name, scored } of rows.slice(0, 12)) {
    const v = [...scored.genuineByKind.video].sort((a, b) => a - b);
    if (v.length > 0) console.log(`  ${name.padEnd(40)} min ${v[0].toFixed(3)}  median ${v[Math.floor(v.length / 2)].toFixed(3)}  (n=${v.length})`);
  }
  console.log('\nDescriptor time per face (ms, mean), after Human analyze');
  for (const [label, values] of Object.entries(timings)) console.log(`  ${label.padEnd(28)} ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(1).padStart(7)}  (n=${values.length})`);
}
