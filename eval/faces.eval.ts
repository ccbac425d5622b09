// npm run eval:faces -- [--data <dir>] [--json] [--compare [--variants a,b] [--cache <file>]] [--reference-sizes 20,32] [--windows N]
// Face matching on the DEPLOYED path: every photo of <dir>/pairs/<person>/*.jpg (and, when the folder
// has them, the video people's registry photos) is once the registry reference — through exactly the
// task the server runs for a reference photo — and once a probe through exactly the tasks of a live
// frame; the video people's clips give probes as the server sees a check (frames at the capture rate,
// its best frames described and fused). Prints counts, FNMR and FMR at VIDEO_CHECK_MATCH_THRESHOLD,
// FNMR at FMR 1 %, 0.1 %, 0.01 % and the score quantiles; --json ends with one JSON line.
// --compare scores every descriptor variant and their score fusions on the same pairs (how the
// deployed pipeline was chosen); --cache keeps its per-image descriptors in a file between runs.
// --reference-sizes: the same with references shrunk to E px between the eyes (faces.reference-size.ts).
import { createFaceEngine, type FaceEngine } from '../src/biometrics/engine/face-engine.js';
import { runEngineTask } from '../src/biometrics/engine/engine.tasks.js';
import { ALL_VARIANTS, type DescriptorVariant } from '../src/biometrics/engine/face-descriptors.js';
import { FACE_PIPELINE, probeSimilarity, referenceProblems, type ReferenceMeasures } from '../src/biometrics/match.rules.js';
import { loadConfig } from '../src/platform/config.js';
import { faceDataDirFromArgs } from './face-data.js';
import { bestFramesOf, loadDataset, printQuantiles, printTable, ratesSummary, scorePairs, type Dataset } from './faces.dataset.js';
import { runComparison } from './faces.compare.js';
import { runReferenceSizes } from './faces.reference-size.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const option = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);

const dir = faceDataDirFromArgs(argv);
if (!dir) {
  console.log('SKIP: face data not found (--data <dir> with pairs/<person>/*.jpg, or FACE_DATA_DIR)');
  process.exit(0);
}
const vc = loadConfig().videoCheck;
if (option('--reference-sizes')) {
  await runReferenceSizes(dir, option('--reference-sizes')!.split(',').map(Number), vc.matchThreshold);
  process.exit(0);
}
const data = loadDataset(dir, { fps: vc.capture.fps, framesPerWindow: vc.capture.minFrames, windowsPerVideo: Number(option('--windows') ?? 6) });
console.log(
  `${dir}: ${data.persons.pairs} persons in pairs/ + ${data.persons.video} video people; ${data.photos.length} photos, ${data.windows.length} video windows ` +
    `(${vc.capture.minFrames} frames at ${vc.capture.fps} fps each)`,
);

if (flag('--compare')) {
  const variants = option('--variants')?.split(',') as DescriptorVariant[] | undefined;
  const unknown = variants?.filter((v) => !ALL_VARIANTS.includes(v)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown variants ${unknown.join(', ')}: one of ${ALL_VARIANTS.join(', ')}`);
  await runComparison(data, { cacheFile: option('--cache'), variants });
  process.exit(0);
}

async function deployed(engine: FaceEngine, d: Dataset) {
  const t0 = performance.now();
  const refs: Array<{ template: number[] | null; measures: ReferenceMeasures }> = [];
  const photoProbes: Array<number[][]> = [];
  for (const p of d.photos) {
    refs.push(await runEngineTask(engine, { type: 'describePhoto', jpeg: p.jpeg }));
    const a = await runEngineTask(engine, { type: 'analyze', jpeg: p.jpeg });
    photoProbes.push(a.primary ? [await runEngineTask(engine, { type: 'describe', jpeg: p.jpeg, face: { alignBox: a.primary.alignBox, landmarks: a.primary.landmarks } })] : []);
  }
  const windowProbes: Array<number[][]> = [];
  for (const w of d.windows) {
    const frames = [];
    for (const jpeg of w.frames) frames.push(await runEngineTask(engine, { type: 'analyze', jpeg }));
    const best = bestFramesOf(frames, w.timestamps, vc);
    const templates = [];
    for (const i of best) templates.push(await runEngineTask(engine, { type: 'describe', jpeg: w.frames[i], face: { alignBox: frames[i].primary!.alignBox, landmarks: frames[i].primary!.landmarks } }));
    windowProbes.push(templates);
  }
  const usable = refs.map((r) => r.template !== null && referenceProblems(r.measures).length === 0);
  const scored = scorePairs(d, (r, probe) => {
    const ref = refs[r];
    if (!usable[r] || !ref.template) return null;
    const frames = 'photo' in probe ? photoProbes[probe.photo] : windowProbes[probe.window];
    return probeSimilarity(frames, ref.template);
  });
  return { scored, refs, usable, seconds: (performance.now() - t0) / 1000 };
}

const engine = await createFaceEngine();
const { scored, refs, usable, seconds } = await deployed(engine, data);
const threshold = vc.matchThreshold;
const summary = ratesSummary(scored, threshold);
const pct = (n: number) => `${(n * 100).toFixed(2)} %`;

console.log(`\nDeployed pipeline ${FACE_PIPELINE.version} (${FACE_PIPELINE.parts.map((p) => `${p.variant}×${p.weight}`).join(' + ')}), ${seconds.toFixed(0)} s`);
const unusable = refs.flatMap((r, i) => (usable[i] ? [] : [`${data.photos[i].key} (${referenceProblems(r.measures).join(', ')})`]));
console.log(`Reference photos flagged as unusable (their pairs count as non-matches): ${unusable.length === 0 ? 'none' : unusable.join('; ')}`);
console.log(`Pairs: ${summary.genuine} genuine (${scored.genuineByKind.photo.length} photo→photo, ${scored.genuineByKind.video.length} photo→video check), ${summary.impostor} impostor`);
console.log(`\nAt VIDEO_CHECK_MATCH_THRESHOLD = ${threshold}: FNMR ${pct(summary.fnmr)}, FMR ${pct(summary.fmr)}`);
for (const [t, fnmr] of Object.entries(summary.fnmrAtFmr)) console.log(`  FNMR at FMR ${pct(Number(t))}: ${pct(fnmr)}`);
console.log('\nScore quantiles');
printQuantiles('', scored);
console.log('');
printTable([{ name: FACE_PIPELINE.version, scored }]);
if (scored.worstImpostor) console.log(`  highest impostor: ${scored.worstImpostor.score.toFixed(4)} (reference ${scored.worstImpostor.reference}, probe ${scored.worstImpostor.probe})`);
if (scored.lowestGenuine) console.log(`  lowest genuine:   ${scored.lowestGenuine.score.toFixed(4)} (reference ${scored.lowestGenuine.reference}, probe ${scored.lowestGenuine.probe})`);
console.log(`  FMR resolution: ${summary.impostor} impostor pairs → one false match = ${pct(1 / Math.max(1, summary.impostor))}`);
if (flag('--json')) console.log(JSON.stringify({ genuine: summary.genuine, impostor: summary.impostor, threshold, fnmr: summary.fnmr, fmr: summary.fmr, fnmrAtFmr: summary.fnmrAtFmr }));
process.exit(0);
