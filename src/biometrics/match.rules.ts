// Face matching arithmetic: similarity of descriptors, fusion of frames, and error rates at a threshold.

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
