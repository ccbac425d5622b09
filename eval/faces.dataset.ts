// The samples of eval:faces and how they pair up. Photos (pairs/<person>/*.jpg and the registry photos
// of the video people) serve both as a registry reference and as a one-frame probe; video windows (the
// server's capture rate, one check's worth of frames) serve as probes only. Genuine: reference and
// probe of the same person; impostor: every cross-person pair, in both directions.
import fs from 'node:fs';
import path from 'node:path';
import type { FrameAnalysis } from '../src/biometrics/engine/face-engine.js';
import { ratesAtFmr, ratesAtThreshold, summarize } from '../src/biometrics/match.rules.js';
import { framesToMatch, judgementRules } from '../src/biometrics/video-check.analysis.js';
import { judgeSequence } from '../src/biometrics/video-check.rules.js';
import type { Config } from '../src/platform/config.js';
import { extractFrames, hasFfmpeg, pairPersons, videoPeople, videoSeconds } from './face-data.js';

export interface PhotoSample {
  person: string;
  /** Path relative to the data folder. */
  key: string;
  jpeg: Buffer;
}

export interface WindowSample {
  person: string;
  /** video:start */
  key: string;
  frames: Buffer[];
  timestamps: number[];
}

export interface Dataset {
  photos: PhotoSample[];
  windows: WindowSample[];
  /** Persons with a photo (pairs/ and video people) and video people. */
  persons: { pairs: number; video: number };
}

export function loadDataset(dir: string, options: { fps: number; framesPerWindow: number; windowsPerVideo: number }): Dataset {
  const photos: PhotoSample[] = [];
  const pairs = pairPersons(dir);
  for (const [person, files] of pairs) for (const file of files) photos.push({ person, key: path.relative(dir, file), jpeg: fs.readFileSync(file) });
  const people = hasFfmpeg() ? videoPeople(dir) : [];
  const windows: WindowSample[] = [];
  for (const p of people) {
    photos.push({ person: p.person, key: path.relative(dir, p.photo), jpeg: fs.readFileSync(p.photo) });
    const seconds = videoSeconds(p.video);
    const span = options.framesPerWindow / options.fps;
    const n = Math.max(1, Math.min(options.windowsPerVideo, Math.floor(seconds / span)));
    for (let w = 0; w < n; w++) {
      // Spread over the whole clip: sN photos come from its end, dN photos from its first frame.
      const start = n === 1 ? 0 : Math.round(((seconds - span - 0.1) * w * 100) / (n - 1)) / 100;
      const { frames, timestamps } = extractFrames(p.video, { fps: options.fps, count: options.framesPerWindow, startSeconds: Math.max(0, start) });
      if (frames.length > 0) windows.push({ person: p.person, key: `${path.relative(dir, p.video)}@${start}s`, frames, timestamps });
    }
  }
  return { photos, windows, persons: { pairs: pairs.size, video: people.length } };
}

/** A window's frames as the server picks them for matching (the sequence rules' best frames, as many as it describes). */
export function bestFramesOf(frames: FrameAnalysis[], timestamps: number[], vc: Config['videoCheck']): number[] {
  return framesToMatch(judgeSequence(frames, timestamps, [], judgementRules(vc)).bestFrames);
}

export interface Scored {
  genuine: number[];
  impostor: number[];
  /** The highest impostor pair, for the report. */
  worstImpostor: { score: number; reference: string; probe: string } | null;
  lowestGenuine: { score: number; reference: string; probe: string } | null;
  /** Genuine scores by probe kind. */
  genuineByKind: { photo: number[]; video: number[] };
}

/**
 * Every (reference photo, probe) pair. `score` gives null when the pair cannot be compared (no face
 * or an unusable reference): that counts as a non-match (scored −1), as on the server, where it goes
 * to a moderator instead of passing.
 */
export function scorePairs(data: Dataset, score: (reference: number, probe: { photo: number } | { window: number }) => number | null): Scored {
  const out: Scored = { genuine: [], impostor: [], worstImpostor: null, lowestGenuine: null, genuineByKind: { photo: [], video: [] } };
  const add = (refIndex: number, probe: { photo: number } | { window: number }) => {
    const ref = data.photos[refIndex];
    const p = 'photo' in probe ? data.photos[probe.photo] : data.windows[probe.window];
    const value = score(refIndex, probe) ?? -1;
    const pair = { score: value, reference: ref.key, probe: p.key };
    if (ref.person === p.person) {
      out.genuine.push(value);
      out.genuineByKind['photo' in probe ? 'photo' : 'video'].push(value);
      if (!out.lowestGenuine || value < out.lowestGenuine.score) out.lowestGenuine = pair;
    } else {
      out.impostor.push(value);
      if (!out.worstImpostor || value > out.worstImpostor.score) out.worstImpostor = pair;
    }
  };
  for (let r = 0; r < data.photos.length; r++) {
    for (let p = 0; p < data.photos.length; p++) if (p !== r) add(r, { photo: p });
    for (let w = 0; w < data.windows.length; w++) add(r, { window: w });
  }
  return out;
}

export const FMR_TARGETS = [0.01, 0.001, 0.0001] as const;

export interface RatesSummary {
  genuine: number;
  impostor: number;
  threshold: number;
  fnmr: number;
  fmr: number;
  fnmrAtFmr: Record<string, number>;
}

export function ratesSummary(s: Scored, threshold: number): RatesSummary {
  const at = ratesAtThreshold(s.genuine, s.impostor, threshold);
  const fnmrAtFmr: Record<string, number> = {};
  for (const t of FMR_TARGETS) fnmrAtFmr[String(t)] = round(ratesAtFmr(s.genuine, s.impostor, t).fnmr);
  return { genuine: s.genuine.length, impostor: s.impostor.length, threshold, fnmr: round(at.fnmr), fmr: round(at.fmr), fnmrAtFmr };
}

const fmt = (n: number, d = 3) => (Number.isFinite(n) ? n.toFixed(d) : String(n));
const pct = (n: number) => `${(n * 100).toFixed(2)} %`;

/** One row per pipeline: FNMR at each FMR target, the zero-impostor threshold, impostor max, genuine min/median. */
export function printTable(rows: Array<{ name: string; scored: Scored }>): void {
  console.log(`  ${'pipeline'.padEnd(34)} ${'FNMR@1%'.padStart(8)} ${'@0.1%'.padStart(8)} ${'@0.01%'.padStart(8)}  ${'thr(0 imp)'.padStart(10)} ${'FNMR there'.padStart(10)}  ${'imp max'.padStart(7)} ${'gen min'.padStart(7)} ${'gen med'.padStart(7)}  pairs g/i`);
  for (const { name, scored } of rows) {
    const r = FMR_TARGETS.map((t) => ratesAtFmr(scored.genuine, scored.impostor, t).fnmr);
    const zero = ratesAtFmr(scored.genuine, scored.impostor, 0);
    const g = summarize(scored.genuine);
    const i = summarize(scored.impostor);
    console.log(
      `  ${name.padEnd(34)} ${r.map((x) => pct(x).padStart(8)).join(' ')}  ${fmt(zero.threshold, 4).padStart(10)} ${pct(zero.fnmr).padStart(10)}  ${fmt(i.max).padStart(7)} ${fmt(g.min).padStart(7)} ${fmt(g.median).padStart(7)}  ${g.n}/${i.n}`,
    );
  }
}

export function printQuantiles(label: string, s: Scored): void {
  for (const [kind, values] of [['genuine', s.genuine], ['  photo probes', s.genuineByKind.photo], ['  video probes', s.genuineByKind.video], ['impostor', s.impostor]] as const) {
    if (values.length === 0) continue;
    const q = summarize(values);
    console.log(`  ${label} ${kind.padEnd(15)} n=${String(q.n).padEnd(6)} min ${fmt(q.min)}  p5 ${fmt(q.p5)}  median ${fmt(q.median)}  p95 ${fmt(q.p95)}  max ${fmt(q.max)}`);
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
