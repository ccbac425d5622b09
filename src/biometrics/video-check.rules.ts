// The judgement of one video check from its per-frame measures: quality, active challenges, passive
// liveness, and — once a match score is known — the outcome. Pure: no I/O, no models.
import type { FrameAnalysis } from './engine/face-engine.js';
import { evaluateChallenges, type Challenge, type ChallengeRules, type ChallengeTrace, type MotionSample } from './challenges.rules.js';
import { frameProblems, type FrameProblem, type QualityRules } from './quality.rules.js';

export type VideoCheckOutcome = 'PASSED' | 'RETRY' | 'UNDER_REVIEW' | 'LOCKED';
export type VideoCheckReason = FrameProblem | 'CHALLENGE_NOT_MET' | 'SPOOF_SUSPECTED' | 'TIMESTAMPS_IMPLAUSIBLE' | 'FACE_MISMATCH';

export interface LivenessRules extends ChallengeRules {
  minLivenessScore: number;
  minGoodFrameShare: number;
}

export interface TimestampRules {
  /** Longest plausible capture, ms. */
  maxSpanMs: number;
}

/**
 * Human's head yaw is positive when the face turns towards the image's left, i.e. the person turns to
 * their right on an unmirrored camera image (measured on video/ against the nose's position in the
 * mesh): the person's own left is the negative direction.
 */
export const TURN_FROM_YAW = -1;

const MIN_FRAME_INTERVAL_MS = 15;
const MAX_FRAME_INTERVAL_MS = 2000;

/** Capture times: finite, starting at ≥ 0, strictly increasing, at a plausible pace, over a plausible span. */
export function timestampsPlausible(timestamps: number[], rules: TimestampRules): boolean {
  if (timestamps.length === 0 || timestamps.some((t) => !Number.isFinite(t)) || timestamps[0] < 0) return false;
  for (let i = 1; i < timestamps.length; i++) {
    const gap = timestamps[i] - timestamps[i - 1];
    if (gap < MIN_FRAME_INTERVAL_MS || gap > MAX_FRAME_INTERVAL_MS) return false;
  }
  return timestamps[timestamps.length - 1] - timestamps[0] <= rules.maxSpanMs;
}

export interface SequenceJudgement {
  qualityPassed: boolean;
  livenessPassed: boolean;
  reasons: VideoCheckReason[];
  /** Frames without problems, and the best (sharpest, most frontal) three of them for matching and evidence. */
  goodFrames: number[];
  bestFrames: number[];
  /** Median passive antispoof score over good frames (Human `real`). */
  passiveScore: number;
  /** Share of challenges met; in passive mode, natural motion seen (0–1). */
  activeScore: number;
  livenessScore: number;
  challengeTrace: ChallengeTrace[];
  frameProblems: FrameProblem[][];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const FRAME_PROBLEM_ORDER: FrameProblem[] = ['MULTIPLE_FACES', 'NO_FACE', 'FACE_TOO_SMALL', 'FACE_NOT_CENTERED', 'POOR_LIGHTING', 'BLURRY'];

/**
 * Natural motion of a live face without challenges: a blink, or head movement beyond tracking noise.
 * A still photo moved in front of the camera keeps its pose and eyes fixed.
 */
function naturalMotion(samples: MotionSample[], rules: ChallengeRules): number {
  const turns = samples.map((s) => s.turn).filter((t): t is number => t !== null);
  if (turns.length < 2) return 0;
  const range = Math.max(...turns) - Math.min(...turns);
  const blink = evaluateChallenges(samples, ['BLINK'], rules).met;
  return blink ? 1 : Math.min(1, range / rules.turnYawDegrees);
}

export function judgeSequence(
  frames: FrameAnalysis[],
  timestamps: number[],
  challenges: readonly Challenge[],
  rules: { quality: QualityRules; liveness: LivenessRules; timestamps: TimestampRules },
): SequenceJudgement {
  const problems = frames.map((f) => frameProblems(f, rules.quality));
  const goodFrames = problems.flatMap((p, i) => (p.length === 0 ? [i] : []));
  const reasons = new Set<VideoCheckReason>();

  if (!timestampsPlausible(timestamps, rules.timestamps)) reasons.add('TIMESTAMPS_IMPLAUSIBLE');
  // Another face in two frames or more: someone else is in front of the camera (one frame may be a glitch).
  if (problems.filter((p) => p.includes('MULTIPLE_FACES')).length >= 2) reasons.add('MULTIPLE_FACES');
  const qualityOk = goodFrames.length >= Math.max(1, Math.ceil(rules.liveness.minGoodFrameShare * frames.length));
  if (!qualityOk) {
    // Report the problems that most frames had, in a fixed order of importance.
    const counts = new Map<FrameProblem, number>();
    for (const p of problems) for (const x of p) counts.set(x, (counts.get(x) ?? 0) + 1);
    const bad = frames.length - goodFrames.length;
    for (const problem of FRAME_PROBLEM_ORDER) {
      if ((counts.get(problem) ?? 0) >= Math.max(1, Math.ceil(bad / 3))) reasons.add(problem);
    }
  }

  // Challenges are judged on every frame with a face (a turned head may fail "centred" for a moment).
  const samples: MotionSample[] = frames.map((f, i) => ({
    t: timestamps[i] ?? i,
    turn: f.primary ? f.primary.yaw * TURN_FROM_YAW : null,
    leftEye: f.primary ? f.primary.leftEye : null,
    rightEye: f.primary ? f.primary.rightEye : null,
  }));
  const challengeResult = evaluateChallenges(samples, challenges, rules.liveness);
  if (!challengeResult.met) reasons.add('CHALLENGE_NOT_MET');

  const faceFrames = frames.flatMap((f, i) => (f.primary && !problems[i].includes('MULTIPLE_FACES') ? [i] : []));
  const passiveScore = median((goodFrames.length > 0 ? goodFrames : faceFrames).map((i) => frames[i].primary!.real));
  const activeScore =
    challenges.length > 0 ? challengeResult.trace.filter((t) => t.met).length / challenges.length : naturalMotion(samples, rules.liveness);
  // One signal among others: the passive score alone neither passes nor refuses a check.
  const livenessScore = (passiveScore + activeScore) / 2;
  if (challengeResult.met && livenessScore < rules.liveness.minLivenessScore) reasons.add('SPOOF_SUSPECTED');

  const quality = (i: number) => {
    const p = frames[i].primary!;
    return p.sharpness / (1 + Math.abs(p.yaw) / 10 + Math.abs(p.pitch) / 20);
  };
  const bestFrames = [...(goodFrames.length > 0 ? goodFrames : faceFrames)].sort((a, b) => quality(b) - quality(a)).slice(0, 3);

  const qualityPassed = qualityOk && !reasons.has('MULTIPLE_FACES') && !reasons.has('TIMESTAMPS_IMPLAUSIBLE');
  const livenessPassed = challengeResult.met && !reasons.has('SPOOF_SUSPECTED');
  return {
    qualityPassed,
    livenessPassed,
    reasons: [...reasons],
    goodFrames,
    bestFrames,
    passiveScore,
    activeScore,
    livenessScore,
    challengeTrace: challengeResult.trace,
    frameProblems: problems,
  };
}

/**
 * The outcome of a judged check: PASSED when live, good and matching; UNDER_REVIEW when live and good
 * but not matching (a moderator decides); otherwise RETRY, or LOCKED once the failures reach the limit.
 */
export function decideOutcome(
  judgement: Pick<SequenceJudgement, 'qualityPassed' | 'livenessPassed'>,
  similarity: number | null,
  rules: { matchThreshold: number; failedBefore: number; maxFailedChecks: number },
): { outcome: VideoCheckOutcome; failed: boolean } {
  // Live and good: the face either matches, or a moderator decides (also when there is no reference face).
  if (judgement.qualityPassed && judgement.livenessPassed) {
    return { outcome: similarity !== null && similarity >= rules.matchThreshold ? 'PASSED' : 'UNDER_REVIEW', failed: false };
  }
  const failures = rules.failedBefore + 1;
  return { outcome: failures >= rules.maxFailedChecks ? 'LOCKED' : 'RETRY', failed: true };
}
