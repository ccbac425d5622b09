// Face matching arithmetic: the deployed descriptor pipeline and its versioned templates, similarity
// and score fusion, fusion of frames, whether a reference photo is usable, and error rates at a threshold.
import type { DescriptorVariant } from './engine/face-descriptors.js';

export interface PipelinePart {
  variant: DescriptorVariant;
  /** Length of the variant's descriptor. */
  dims: number;
  /** Share of this part in the fused score (the weights sum to 1). */
  weight: number;
}

export interface FacePipeline {
  /** Stored with every reference template: a template of another version is never compared. */
  version: string;
  parts: PipelinePart[];
}

/**
 * The deployed pipeline, chosen by `npm run eval:faces -- --compare` (lowest FNMR with no impostor
 * pair above the threshold, on the deployed path, references and frames aligned alike by Human's
 * mesh): face-api's 128-d descriptor of a dlib face chip (five mesh points onto dlib's mean face, the
 * alignment its net was trained on, padding 0.2, area-averaged to 150 px) and of its mirror image,
 * fused at score level with Human's faceres (1024-d) of the five-point aligned crop. See
 * ARCHITECTURE.md for the numbers.
 */
export const FACE_PIPELINE: FacePipeline = {
  version: 'mesh/faceapi-chip20-flip.8+faceres.2/2',
  parts: [
    { variant: 'faceapi-chip20-flip', dims: 128, weight: 0.8 },
    { variant: 'faceres', dims: 1024, weight: 0.2 },
  ],
};

/** One template from the parts' descriptors (each L2-normalised), in the pipeline's order. */
export function joinTemplate(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    let norm = 0;
    for (let i = 0; i < p.length; i++) norm += p[i] * p[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < p.length; i++) out[offset + i] = p[i] / norm;
    offset += p.length;
  }
  return out;
}

/** A template as stored (encrypted by the caller): float32 little-endian. */
export function templateToBytes(template: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(template.length * 4);
  for (let i = 0; i < template.length; i++) out.writeFloatLE(template[i], i * 4);
  return out;
}

export function bytesToTemplate(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/**
 * Score-level fusion: the weighted mean of the parts' cosine similarities. Templates of another
 * layout (another pipeline) are not comparable: null.
 */
export function templateSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, pipeline: FacePipeline = FACE_PIPELINE): number | null {
  const length = pipeline.parts.reduce((n, p) => n + p.dims, 0);
  if (a.length !== length || b.length !== length) return null;
  let score = 0;
  let offset = 0;
  for (const part of pipeline.parts) {
    score += part.weight * cosineSimilarity(slice(a, offset, part.dims), slice(b, offset, part.dims));
    offset += part.dims;
  }
  return score;
}

function slice(v: ArrayLike<number>, start: number, length: number): ArrayLike<number> {
  return v instanceof Float32Array ? v.subarray(start, start + length) : Array.prototype.slice.call(v, start, start + length);
}

/** A check's score: its best frames' templates fused, against the reference template. */
export function probeSimilarity(frameTemplates: ArrayLike<number>[], reference: ArrayLike<number>, pipeline: FacePipeline = FACE_PIPELINE): number | null {
  if (frameTemplates.length === 0) return null;
  return templateSimilarity(fuseDescriptors(frameTemplates), reference, pipeline);
}

/** What the live-frame path measured on a reference photo. */
export interface ReferenceMeasures {
  width: number;
  height: number;
  /** Faces found. */
  faces: number;
  /** Height of the face's alignment box, px. */
  faceHeight: number;
  /** Distance between the eye centres, px (the descriptor crops put ~57 px (face chip) and ~47 px (faceres crop) there). */
  eyeDistance: number;
  /** Variance of the Laplacian of the face region scaled to 128 px (as for frames). */
  sharpness: number;
  brightness: number;
  yaw: number;
}

export type ReferenceProblem = 'NO_FACE' | 'FACE_TOO_SMALL' | 'BLURRY';

/** Where a reference template comes from: the registry's photo of the IIN, or the face the Digital ID was enrolled with. */
export type ReferenceSource = 'registry_photo' | 'enrolment';

/** The reference as the matcher needs it: a template, or why there is none (null measures: no photo at all). */
export type ReferenceTemplate =
  | { template: ArrayLike<number>; source?: ReferenceSource }
  | { template: null; problems: ReferenceProblem[]; measures: ReferenceMeasures | null };

export interface ReferenceRules {
  /** Fewer pixels between the eyes and the crop is mostly upscaling: the descriptor is not comparable. */
  minEyeDistance: number;
  minSharpness: number;
}

/**
 * Between the worst reference photos of the shared data that match well (eye distance ≥ 36 px,
 * sharpness ≥ 110) and a registry photo shrunk to 90 px wide (28 px) or blurred with σ = 6 (36).
 * `eval:faces -- --reference-sizes` (pipeline 2, pairs/ references shrunk, threshold 0.88): FNMR 3.6 %
 * at full size, 4.3 % at 40 px between the eyes, 5.7 % at 32, 6.8 % at 26, 10.0 % at 20; no impostor
 * reached the threshold at any size (max 0.874). A smaller face costs genuine matches, not false ones.
 */
export const REFERENCE_RULES: ReferenceRules = { minEyeDistance: 32, minSharpness: 50 };

/** Why a reference photo cannot be compared (empty when it can): such a photo goes to a moderator, never scored. */
export function referenceProblems(m: ReferenceMeasures, rules: ReferenceRules = REFERENCE_RULES): ReferenceProblem[] {
  if (m.faces === 0) return ['NO_FACE'];
  const problems: ReferenceProblem[] = [];
  if (m.eyeDistance < rules.minEyeDistance) problems.push('FACE_TOO_SMALL');
  if (m.sharpness < rules.minSharpness) problems.push('BLURRY');
  return problems;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Mean of L2-normalised descriptors (multi-frame fusion); empty input gives an empty array. */
export function fuseDescriptors(descriptors: ArrayLike<number>[]): Float32Array {
  if (descriptors.length === 0) return new Float32Array(0);
  const out = new Float32Array(descriptors[0].length);
  for (const d of descriptors) {
    let norm = 0;
    for (let i = 0; i < d.length; i++) norm += d[i] * d[i];
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < out.length; i++) out[i] += d[i] / norm / descriptors.length;
  }
  return out;
}

export interface ErrorRatesAtFmr {
  targetFmr: number;
  threshold: number;
  fmr: number;
  fnmr: number;
}

/**
 * The lowest threshold whose false-match rate (share of impostor scores ≥ threshold) is ≤ targetFmr,
 * and the false non-match rate (share of genuine scores < threshold) there.
 */
export function ratesAtFmr(genuine: number[], impostor: number[], targetFmr: number): ErrorRatesAtFmr {
  const sorted = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(targetFmr * sorted.length);
  // Threshold just above the (allowed+1)-th highest impostor score.
  const threshold = sorted.length > allowed ? nextUp(sorted[allowed]) : -Infinity;
  return {
    targetFmr,
    threshold,
    fmr: sorted.filter((s) => s >= threshold).length / Math.max(1, sorted.length),
    fnmr: genuine.filter((s) => s < threshold).length / Math.max(1, genuine.length),
  };
}

/** Rates at a given threshold. */
export function ratesAtThreshold(genuine: number[], impostor: number[], threshold: number): { fmr: number; fnmr: number } {
  return {
    fmr: impostor.filter((s) => s >= threshold).length / Math.max(1, impostor.length),
    fnmr: genuine.filter((s) => s < threshold).length / Math.max(1, genuine.length),
  };
}

function nextUp(x: number): number {
  return x + Math.max(1e-6, Math.abs(x) * 1e-9);
}

/** min, p5, median, p95, max. */
export function summarize(values: number[]): { n: number; min: number; p5: number; median: number; p95: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))]);
  return { n: s.length, min: s[0] ?? NaN, p5: q(0.05), median: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? NaN };
}

/** The engine's description of a reference photo, judged: a template only when the photo can be compared. */
export function assessReference(described: { template: ArrayLike<number> | null; measures: ReferenceMeasures }, rules: ReferenceRules = REFERENCE_RULES): ReferenceTemplate {
  const problems = referenceProblems(described.measures, rules);
  if (described.template && problems.length === 0) return { template: described.template };
  return { template: null, problems: problems.length > 0 ? problems : ['NO_FACE'], measures: described.measures };
}

/**
 * The match decision: at or above the threshold the live face is the registry's person; no similarity
 * (no usable reference face) is never a match.
 */
export function faceMatches(similarity: number | null, threshold: number): boolean {
  return similarity !== null && similarity >= threshold;
}
