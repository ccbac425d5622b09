// Active liveness: which challenges a check asks for, and whether a sequence of frames performed them,
// in order, each within its window. Judged from head yaw and eye openness over time.

import { POINT } from './engine/frame-measures.js';
import { isHeadTurn, turnImageEvidence, type FrameThumb, type TurnImageEvidence, type TurnImageRules } from './motion.rules.js';

export const CHALLENGES = ['TURN_LEFT', 'TURN_RIGHT', 'BLINK'] as const;
export type Challenge = (typeof CHALLENGES)[number];

export type ChallengeSetting = { mode: 'random' } | { mode: 'none' } | { mode: 'fixed'; challenges: Challenge[] };

/** VIDEO_CHECK_CHALLENGES: `random` (default), `none` (passive only) or a comma list such as `TURN_LEFT,BLINK`. */
export function parseChallengeSetting(value: string): ChallengeSetting {
  const v = value.trim();
  if (v === '' || v.toLowerCase() === 'random') return { mode: 'random' };
  if (v.toLowerCase() === 'none') return { mode: 'none' };
  const list = v.split(',').map((s) => s.trim().toUpperCase());
  const bad = list.filter((c) => !(CHALLENGES as readonly string[]).includes(c));
  if (bad.length > 0) throw new Error(`VIDEO_CHECK_CHALLENGES: unknown challenge(s) ${bad.join(', ')}; use random, none or a list of ${CHALLENGES.join(', ')}`);
  return { mode: 'fixed', challenges: list as Challenge[] };
}

/** The challenges of one check; `randomInt(n)` returns 0..n-1 (a CSPRNG in production). */
export function drawChallenges(setting: ChallengeSetting, count: number, randomInt: (n: number) => number): Challenge[] {
  if (setting.mode === 'none') return [];
  if (setting.mode === 'fixed') return [...setting.challenges];
  const pool: Challenge[] = [...CHALLENGES];
  const out: Challenge[] = [];
  while (out.length < Math.min(count, CHALLENGES.length)) out.push(pool.splice(randomInt(pool.length), 1)[0]);
  return out;
}

/** What the challenge rules need of one frame; null where the frame had no usable face. */
export interface MotionSample {
  t: number;
  /** Head turn towards the person's left, in degrees (> 0 = turned to their left). */
  turn: number | null;
  leftEye: number | null;
  rightEye: number | null;
  /** Detail of the eye regions over the cheeks (a real eye, open or closed, ≫ 1; skin pasted over it ≈ 1). */
  eyeDetail?: number | null;
  /** Mesh motion points [x, y, z] (MOTION_POINTS order), for the rigid-rotation test of a turn. */
  points?: ReadonlyArray<readonly [number, number, number]> | null;
  /** The whole frame in gray (small) and the frame's width in pixels, for the pixel test of a turn. */
  thumb?: FrameThumb | null;
  frameWidth?: number;
}

export interface ChallengeRules extends TurnImageRules {
  turnYawDegrees: number;
  /** An eye is closed below this share of its open level. */
  blinkClosedRatio: number;
  /** Frames in the dip (below the open level, at least one closed): a blink is a dip, not one low value. */
  minBlinkFrames: number;
  /**
   * Each challenge has its own slot of this length, in the order asked, counted from the first frame: the
   * browser shows prompt k during slot k, and the challenge counts only when performed in it (after the
   * previous one). A replayed recording of another order performs its moves in the wrong slots.
   */
  challengeWindowMs: number;
  /** Least eye detail (eyes over cheeks) in a blink's dip: real lids and lashes, not pasted skin. */
  minEyeDetail: number;
  /**
   * Least eye detail in a blink's dip as a share of the same eyes' detail when open: closed lids keep
   * lashes and a crease (≥ 0.55 of the open detail in every real blink of the shared videos), skin pasted
   * over them looks like the cheek (≤ 0.43 on most shared photos).
   */
  minBlinkDetailShare: number;
  /** Least share of the mesh's sideways motion explained by one rigid rotation with parallax (R²). */
  minRigidFit: number;
}

export interface ChallengeTrace {
  challenge: Challenge;
  met: boolean;
  /** Capture time of the frame that completed it. */
  atMs: number | null;
  detail: string;
  /** The measures behind the verdict, for the moderator and the audit trail. */
  measures?: Record<string, number | null>;
}

const OPEN_LEVEL = 0.85;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function upperQuartile(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.round(0.75 * (s.length - 1)))];
}

export const round = (n: number, d = 3) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);

// Indices into the motion points (frame-measures.ts MOTION_POINTS order) used by the rigid fit.
const OUTLINE_LEFT = POINT.outlineL2;
const OUTLINE_RIGHT = POINT.outlineR2;

/**
 * How well one rigid rotation about a vertical axis explains the mesh's sideways motion from `from` to
 * `to`: for a rotation each point moves by a·X + b·Z + c (X across, Z depth, both on the first frame in
 * face widths) — the nose tip, nearest the camera, more than the eyes, the eyes more than the outline.
 * Returns R² of that fit and the depth term b (< 0 when the nose moves to the image's right).
 */
export function rigidTurnFit(from: ReadonlyArray<readonly number[]>, to: ReadonlyArray<readonly number[]>): { r2: number; depthTerm: number } {
  const n = Math.min(from.length, to.length);
  const width = Math.abs((from[OUTLINE_RIGHT]?.[0] ?? 0) - (from[OUTLINE_LEFT]?.[0] ?? 0));
  if (n < 8 || !(width > 0)) return { r2: 0, depthTerm: 0 };
  let mx = 0;
  let mz = 0;
  for (let i = 0; i < n; i++) {
    mx += from[i][0];
    mz += from[i][2];
  }
  mx /= n;
  mz /= n;
  // Normal equations of dx = a·X + b·Z + c.
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const v = [0, 0, 0];
  const rows: number[][] = [];
  const dxs: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [(from[i][0] - mx) / width, (from[i][2] - mz) / width, 1];
    const dx = (to[i][0] - from[i][0]) / width;
    rows.push(row);
    dxs.push(dx);
    for (let a = 0; a < 3; a++) {
      v[a] += row[a] * dx;
      for (let b = 0; b < 3; b++) m[a][b] += row[a] * row[b];
    }
  }
  const beta = solve3(m, v);
  if (!beta) return { r2: 0, depthTerm: 0 };
  const meanDx = dxs.reduce((s, d) => s + d, 0) / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const fit = rows[i][0] * beta[0] + rows[i][1] * beta[1] + beta[2];
    ssRes += (dxs[i] - fit) ** 2;
    ssTot += (dxs[i] - meanDx) ** 2;
  }
  return { r2: ssTot > 0 ? 1 - ssRes / ssTot : 0, depthTerm: beta[1] };
}

function solve3(m: number[][], v: number[]): number[] | null {
  const a = m.map((row, i) => [...row, v[i]]);
  for (let i = 0; i < 3; i++) {
    let p = i;
    for (let r = i + 1; r < 3; r++) if (Math.abs(a[r][i]) > Math.abs(a[p][i])) p = r;
    if (Math.abs(a[p][i]) < 1e-12) return null;
    [a[i], a[p]] = [a[p], a[i]];
    for (let r = 0; r < 3; r++) {
      if (r === i) continue;
      const f = a[r][i] / a[i][i];
      for (let c = i; c < 4; c++) a[r][c] -= f * a[i][c];
    }
  }
  return [a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]];
}

export interface TurnFound {
  /** Frame that completed the turn (reached the angle as a rigid head turn), or -1. */
  index: number;
  peak: number;
  /** Mesh rigid fit and pixel evidence of the frame that completed it (or of the last that reached the angle). */
  rigidFit: number | null;
  image: TurnImageEvidence | null;
  /** A turn reached the angle but did not move as a head: a warped or tilted photo. */
  nonRigid: boolean;
}

/**
 * A turn in `direction` between frames `from` and `to` (exclusive): it starts near the usual pose
 * (within half the angle) and reaches the angle; between the frontal frame and the turned one the mesh
 * moves as one rigid head (parallax, the nose the way of the turn) and the pixels around the head's
 * outline change with the nose region while the background stays (motion.rules.ts).
 */
export function findTurn(samples: MotionSample[], from: number, to: number, direction: 1 | -1, baseline: number, rules: ChallengeRules): TurnFound {
  let peak = 0;
  let frontal = -1;
  let last: { rigidFit: number | null; image: TurnImageEvidence | null } | null = null;
  for (let i = from; i < to; i++) {
    const turn = samples[i].turn;
    if (turn === null) continue;
    const relative = (turn - baseline) * direction;
    peak = Math.max(peak, relative);
    if (Math.abs(turn - baseline) < rules.turnYawDegrees / 2) frontal = i;
    if (relative < rules.turnYawDegrees || frontal < 0) continue;
    const f = samples[frontal];
    const s = samples[i];
    let rigidFit: number | null = null;
    let rigid = true;
    if (hasPoints(f.points) && hasPoints(s.points)) {
      const fit = rigidTurnFit(f.points, s.points);
      // The nose, nearer the camera, moves the way of the turn: the depth term's sign (see rigidTurnFit).
      rigidFit = fit.depthTerm * direction * TURN_TO_IMAGE_X < 0 ? fit.r2 : 0;
      rigid = rigidFit >= rules.minRigidFit;
    }
    let image: TurnImageEvidence | null = null;
    if (f.thumb && s.thumb && hasPoints(f.points) && f.frameWidth) {
      image = turnImageEvidence(f.thumb, s.thumb, f.points, f.frameWidth);
      if (image && !isHeadTurn(image, rules)) rigid = false;
    }
    last = { rigidFit, image };
    if (rigid) return { index: i, peak, rigidFit, image, nonRigid: false };
  }
  return { index: -1, peak, rigidFit: last?.rigidFit ?? null, image: last?.image ?? null, nonRigid: last !== null };
}

const POINT_COUNT = Object.keys(POINT).length;
/** Mesh points present and complete (older analyses have none). */
export function hasPoints(p: MotionSample['points']): p is ReadonlyArray<readonly [number, number, number]> {
  return !!p && p.length >= POINT_COUNT;
}

/** A turn to the person's left (+1) moves the nose to the image's right (+x) on an unmirrored picture. */
const TURN_TO_IMAGE_X = 1;

export interface BlinkFound {
  index: number;
  deepest: number;
  /** Most eye detail over the frames of the closing dip (null without the measure). */
  eyeDetail: number | null;
  /** The eyes' median detail when open in the range searched (null without the measure). */
  openEyeDetail: number | null;
  /** A dip that closed the eyes, but over skin: no lids or lashes in any of its frames. */
  skinOverEyes: boolean;
}

/** A blink (open → both eyes closed → open again) completed between frames `from` and `to`. */
export function findBlink(samples: MotionSample[], from: number, to: number, open: { left: number; right: number }, rules: ChallengeRules): BlinkFound {
  // Eye closure of a frame: the more open of the two eyes, relative to its open level (a wink is no blink).
  const level = (s: MotionSample) => (s.leftEye === null || s.rightEye === null ? null : Math.max(s.leftEye / open.left, s.rightEye / open.right));
  let deepest = Infinity;
  let seenOpen = false;
  let dipFrames = 0;
  let dipClosed = false;
  let dipDetail: number | null = null;
  let skinOverEyes = false;
  let bestDetail: number | null = null;
  // The eyes' usual detail when open in this range: the pasted-skin test is relative to the person's own eyes.
  const openDetails: number[] = [];
  for (let i = Math.max(0, from - 1); i < to; i++) {
    const l = level(samples[i]);
    const d = samples[i].eyeDetail;
    if (l !== null && l >= OPEN_LEVEL && d !== undefined && d !== null) openDetails.push(d);
  }
  const openDetail = openDetails.length > 0 ? median(openDetails) : null;
  for (let i = Math.max(0, from - 1); i < to; i++) {
    const l = level(samples[i]);
    if (l === null) {
      // A frame without a face breaks the dip: no blink across a gap.
      seenOpen = false;
      dipFrames = 0;
      dipClosed = false;
      dipDetail = null;
      continue;
    }
    if (i >= from) deepest = Math.min(deepest, l);
    if (l >= OPEN_LEVEL) {
      if (seenOpen && dipClosed && dipFrames >= rules.minBlinkFrames && i >= from) {
        const real = dipDetail === null || (dipDetail >= rules.minEyeDetail && (openDetail === null || dipDetail >= rules.minBlinkDetailShare * openDetail));
        if (real) return { index: i, deepest, eyeDetail: dipDetail, openEyeDetail: openDetail, skinOverEyes: false };
        skinOverEyes = true;
        bestDetail = bestDetail === null ? dipDetail : Math.max(bestDetail, dipDetail!);
      }
      seenOpen = true;
      dipFrames = 0;
      dipClosed = false;
      dipDetail = null;
    } else if (seenOpen) {
      dipFrames++;
      if (l < rules.blinkClosedRatio) dipClosed = true;
      const d = samples[i].eyeDetail;
      if (d !== undefined && d !== null) dipDetail = dipDetail === null ? d : Math.max(dipDetail, d);
    }
  }
  return { index: -1, deepest, eyeDetail: bestDetail, openEyeDetail: openDetail, skinOverEyes };
}

/**
 * The usual pose and open eyes of a sequence. Open eyes: the upper quartile of each eye's openness, so
 * that eyes lowered for much of a slot (looking down, then asked to blink) are still judged against
 * their open level, not against the lowered one. The usual pose: the median (a turn is brief); with the turn angle
 * given, the usual pose is the median of the frames within half the angle of the overall median: the
 * frames of a turn (up to a third of a short slot) no longer pull the pose they are measured from
 * towards themselves.
 */
export function sequenceBaseline(samples: MotionSample[], turnYawDegrees = Infinity): { turn: number; open: { left: number; right: number } } {
  const valid = samples.filter((s) => s.turn !== null);
  const turns = valid.map((s) => s.turn as number);
  const overall = median(turns);
  const usual = turns.filter((t) => Math.abs(t - overall) < turnYawDegrees / 2);
  return {
    turn: usual.length > 0 ? median(usual) : overall,
    open: { left: upperQuartile(valid.map((s) => s.leftEye as number)), right: upperQuartile(valid.map((s) => s.rightEye as number)) },
  };
}

/** A move other than `challenge` in frames [from, to): a turn the other way, or any turn when a blink is asked. */
export function wrongMove(samples: MotionSample[], from: number, to: number, challenge: Challenge, baseline: number, rules: ChallengeRules): string | null {
  for (let i = from; i < to; i++) {
    const turn = samples[i].turn;
    if (turn === null) continue;
    const rel = turn - baseline;
    if (challenge === 'TURN_LEFT' && rel <= -rules.turnYawDegrees) return `turned right ${(-rel).toFixed(1)}°`;
    if (challenge === 'TURN_RIGHT' && rel >= rules.turnYawDegrees) return `turned left ${rel.toFixed(1)}°`;
    if (challenge === 'BLINK' && Math.abs(rel) >= rules.turnYawDegrees) return `turned ${rel > 0 ? 'left' : 'right'} ${Math.abs(rel).toFixed(1)}°`;
  }
  return null;
}

/** Judges the challenges in order, each in its slot (see ChallengeRules.challengeWindowMs). */
export function evaluateChallenges(samples: MotionSample[], challenges: readonly Challenge[], rules: ChallengeRules): { met: boolean; trace: ChallengeTrace[]; spoofSigns: string[] } {
  const trace: ChallengeTrace[] = [];
  const spoofSigns = new Set<string>();
  if (challenges.length === 0) return { met: true, trace, spoofSigns: [] };
  const { turn: baseline, open } = sequenceBaseline(samples, rules.turnYawDegrees);
  const t0 = samples[0]?.t ?? 0;
  let cursor = 0;
  let allMet = samples.some((s) => s.turn !== null);
  challenges.forEach((challenge, k) => {
    if (!allMet) {
      trace.push({ challenge, met: false, atMs: null, detail: 'not reached' });
      return;
    }
    const slotStart = t0 + k * rules.challengeWindowMs;
    const slotEnd = slotStart + rules.challengeWindowMs;
    let from = cursor;
    while (from < samples.length && samples[from].t < slotStart) from++;
    let to = from;
    while (to < samples.length && samples[to].t < slotEnd) to++;
    let index: number;
    let detail: string;
    let measures: Record<string, number | null>;
    if (challenge === 'BLINK') {
      const r = findBlink(samples, from, to, open, rules);
      index = r.index;
      if (r.skinOverEyes && index < 0) spoofSigns.add('SKIN_OVER_EYES');
      const share = r.eyeDetail !== null && r.openEyeDetail ? r.eyeDetail / r.openEyeDetail : null;
      detail =
        `deepest eye level ${Number.isFinite(r.deepest) ? r.deepest.toFixed(2) : 'n/a'} of open (closed < ${rules.blinkClosedRatio}); eye detail ${r.eyeDetail === null ? 'n/a' : r.eyeDetail.toFixed(2)} (≥ ${rules.minEyeDetail})` +
        `, ${share === null ? 'n/a' : share.toFixed(2)} of open (≥ ${rules.minBlinkDetailShare})`;
      measures = {
        deepestEyeLevel: round(r.deepest),
        closedBelow: rules.blinkClosedRatio,
        eyeDetail: r.eyeDetail === null ? null : round(r.eyeDetail),
        minEyeDetail: rules.minEyeDetail,
        blinkDetailShare: share === null ? null : round(share),
        minBlinkDetailShare: rules.minBlinkDetailShare,
      };
    } else {
      const r = findTurn(samples, from, to, challenge === 'TURN_LEFT' ? 1 : -1, baseline, rules);
      index = r.index;
      if (r.nonRigid && index < 0) spoofSigns.add('NON_RIGID_TURN');
      detail = describeTurn(r, baseline, rules);
      measures = turnMeasures(r, rules);
    }
    if (index < 0) detail += `; not performed in its slot (${slotStart - t0}–${slotEnd - t0} ms)`;
    // Another move in the slot (a turn the other way, a turn when a blink was asked) is what a replayed
    // recording of another order does; a person following the prompt does not.
    const wrong = wrongMove(samples, from, to, challenge, baseline, rules);
    if (wrong) {
      detail += `; another move in its slot (${wrong})`;
      measures.wrongMove = 1;
      spoofSigns.add('WRONG_MOVE');
      index = -1;
    }
    const met = index >= 0;
    trace.push({ challenge, met, atMs: met ? samples[index].t : null, detail, measures });
    if (!met) {
      allMet = false;
      return;
    }
    cursor = index + 1;
  });
  return { met: allMet, trace, spoofSigns: [...spoofSigns] };
}

export function describeTurn(r: TurnFound, baseline: number, rules: ChallengeRules): string {
  const img = r.image;
  return (
    `peak turn ${r.peak.toFixed(1)}° from ${Number.isFinite(baseline) ? baseline.toFixed(1) : 'n/a'}° (≥ ${rules.turnYawDegrees}°)` +
    `; mesh rigid fit ${r.rigidFit === null ? 'n/a' : r.rigidFit.toFixed(2)} (≥ ${rules.minRigidFit})` +
    `; head outline/nose change ${img ? img.peripheryToNose.toFixed(2) : 'n/a'} (≥ ${rules.minPeripheryToNose})` +
    `; background/outline ${img?.backgroundToPeriphery == null ? 'n/a' : img.backgroundToPeriphery.toFixed(2)} (≤ ${rules.maxBackgroundToPeriphery})`
  );
}

export function turnMeasures(r: TurnFound, rules: ChallengeRules): Record<string, number | null> {
  return {
    peakTurn: round(r.peak, 1),
    minTurn: rules.turnYawDegrees,
    rigidFit: r.rigidFit === null ? null : round(r.rigidFit),
    minRigidFit: rules.minRigidFit,
    peripheryToNose: r.image ? round(r.image.peripheryToNose) : null,
    minPeripheryToNose: rules.minPeripheryToNose,
    backgroundToPeriphery: r.image?.backgroundToPeriphery == null ? null : round(r.image.backgroundToPeriphery),
    maxBackgroundToPeriphery: rules.maxBackgroundToPeriphery,
  };
}
