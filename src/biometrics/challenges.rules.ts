// Active liveness: which challenges a check asks for, and whether a sequence of frames performed them,
// in order, each within its window. Judged from head yaw and eye openness over time.

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
}

export interface ChallengeRules {
  turnYawDegrees: number;
  /** An eye is closed below this share of its open level. */
  blinkClosedRatio: number;
  /** Frames in the dip (below the open level, at least one closed): a blink is a dip, not one low value. */
  minBlinkFrames: number;
  /** Each challenge must be performed within this long after the previous one (or the first frame). */
  challengeWindowMs: number;
}

export interface ChallengeTrace {
  challenge: Challenge;
  met: boolean;
  /** Capture time of the frame that completed it. */
  atMs: number | null;
  detail: string;
}

const OPEN_LEVEL = 0.85;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Frame index at which a turn in `direction` is completed, searching from `from`. */
function findTurn(samples: MotionSample[], from: number, direction: 1 | -1, baseline: number, rules: ChallengeRules): { index: number; peak: number } {
  let peak = 0;
  for (let i = from; i < samples.length; i++) {
    const turn = samples[i].turn;
    if (turn === null) continue;
    const relative = (turn - baseline) * direction;
    peak = Math.max(peak, relative);
    if (relative >= rules.turnYawDegrees) return { index: i, peak };
  }
  return { index: -1, peak };
}

/** Frame index at which a blink (open → both eyes closed → open again) is completed, searching from `from`. */
function findBlink(samples: MotionSample[], from: number, open: { left: number; right: number }, rules: ChallengeRules): { index: number; deepest: number } {
  // Eye closure of a frame: the more open of the two eyes, relative to its open level (a wink is no blink).
  const level = (s: MotionSample) => (s.leftEye === null || s.rightEye === null ? null : Math.max(s.leftEye / open.left, s.rightEye / open.right));
  let deepest = Infinity;
  let seenOpen = false;
  let dipFrames = 0;
  let dipClosed = false;
  for (let i = from; i < samples.length; i++) {
    const l = level(samples[i]);
    if (l === null) {
      // A frame without a face breaks the dip: no blink across a gap.
      seenOpen = false;
      dipFrames = 0;
      dipClosed = false;
      continue;
    }
    deepest = Math.min(deepest, l);
    if (l >= OPEN_LEVEL) {
      if (seenOpen && dipClosed && dipFrames >= rules.minBlinkFrames) return { index: i, deepest };
      seenOpen = true;
      dipFrames = 0;
      dipClosed = false;
    } else if (seenOpen) {
      dipFrames++;
      if (l < rules.blinkClosedRatio) dipClosed = true;
    }
  }
  return { index: -1, deepest };
}

/** Judges the challenges in order; each must start after the previous one was completed. */
export function evaluateChallenges(samples: MotionSample[], challenges: readonly Challenge[], rules: ChallengeRules): { met: boolean; trace: ChallengeTrace[] } {
  const valid = samples.filter((s) => s.turn !== null);
  const trace: ChallengeTrace[] = [];
  if (challenges.length === 0) return { met: true, trace };
  // Baseline pose and open eyes: the usual level over the sequence (a turn or a blink is brief).
  const baseline = median(valid.map((s) => s.turn as number));
  const open = {
    left: median(valid.map((s) => s.leftEye as number)),
    right: median(valid.map((s) => s.rightEye as number)),
  };
  let cursor = 0;
  let previousAt = samples[0]?.t ?? 0;
  let allMet = valid.length > 0;
  for (const challenge of challenges) {
    if (!allMet) {
      trace.push({ challenge, met: false, atMs: null, detail: 'not reached' });
      continue;
    }
    let index = -1;
    let detail: string;
    if (challenge === 'BLINK') {
      const r = findBlink(samples, cursor, open, rules);
      index = r.index;
      detail = `deepest eye level ${Number.isFinite(r.deepest) ? r.deepest.toFixed(2) : 'n/a'} of open`;
    } else {
      const r = findTurn(samples, cursor, challenge === 'TURN_LEFT' ? 1 : -1, baseline, rules);
      index = r.index;
      detail = `peak turn ${r.peak.toFixed(1)}° from ${Number.isFinite(baseline) ? baseline.toFixed(1) : 'n/a'}°`;
    }
    const at = index >= 0 ? samples[index].t : null;
    const inWindow = at !== null && at - previousAt <= rules.challengeWindowMs;
    if (at !== null && !inWindow) detail += `; too late (${at - previousAt} ms after the previous step)`;
    trace.push({ challenge, met: inWindow, atMs: at, detail });
    if (!inWindow) {
      allMet = false;
      continue;
    }
    cursor = index + 1;
    previousAt = at;
  }
  return { met: allMet, trace };
}
