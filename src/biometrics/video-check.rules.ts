// The judgement of one video check from its per-frame measures: quality, active challenges, passive
// liveness, and — once a match score is known — the outcome. Pure: no I/O, no models.
import type { FrameAnalysis } from './engine/face-engine.js';
import {
  describeTurn,
  evaluateChallenges,
  findBlink,
  findTurn,
  hasPoints,
  round,
  sequenceBaseline,
  turnMeasures,
  type Challenge,
  type ChallengeRules,
  type ChallengeTrace,
  type MotionSample,
} from './challenges.rules.js';
import { frameProblems, type FrameProblem, type QualityRules } from './quality.rules.js';
import { shapeMotion } from './motion.rules.js';
import { POINT } from './engine/frame-measures.js';
import { faceMatches, type ReferenceMeasures } from './match.rules.js';
import { failureLocks } from './video-check-lock.rules.js';

export type VideoCheckOutcome = 'PASSED' | 'RETRY' | 'UNDER_REVIEW' | 'LOCKED';
export type VideoCheckReason = FrameProblem | 'CHALLENGE_NOT_MET' | 'SPOOF_SUSPECTED' | 'TIMESTAMPS_IMPLAUSIBLE' | 'FACE_MISMATCH';

export interface LivenessRules extends ChallengeRules {
  /** Passive mode: least natural movement of eyelids or mouth (see expressionMotion) for a live-looking face. */
  minExpressionMotion: number;
  /** Passive mode: least change of the face mesh's shape (see motion.rules.ts shapeMotion) for a live-looking face. */
  minShapeMotion: number;
  minLivenessScore: number;
  minGoodFrameShare: number;
}

/** One signal behind a liveness decision: its value, its threshold, and whether it passed. */
export interface LivenessSignal {
  signal: string;
  value: number | string | null;
  threshold?: number | string;
  passed: boolean;
}

/**
 * What liveness rested on. `live`: the asked challenges (or, in passive mode, a natural blink or head
 * turn) were performed by a real head; `no-active-evidence`: passive mode, a live-looking face without
 * such evidence (a moderator decides); `spoof`: signs of a photo or a replay; `not-met`: the challenges
 * were not performed.
 */
export interface LivenessEvidence {
  mode: 'active' | 'passive';
  verdict: 'live' | 'no-active-evidence' | 'spoof' | 'not-met';
  signals: LivenessSignal[];
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
  evidence: LivenessEvidence;
  /** Live-looking but without active evidence (passive mode): never PASSED, a moderator decides. */
  reviewOnly: boolean;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const FRAME_PROBLEM_ORDER: FrameProblem[] = ['MULTIPLE_FACES', 'NO_FACE', 'FACE_TOO_SMALL', 'FACE_NOT_CENTERED', 'POOR_LIGHTING', 'BLURRY'];

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/**
 * Natural movement of a face's eyelids and mouth over the sequence: the spread (10th to 90th percentile)
 * of the eyes' openness relative to their usual level, and of the mouth's opening in tenths of the face
 * width — whichever is larger. A photo keeps both still (mesh noise only: ≤ 0.05 on the shared still
 * replays, 0.09 while zoomed and panned); a live face blinks, glances, talks, swallows (≥ 0.14 in every
 * 4-second window of the shared videos).
 */
export function expressionMotion(samples: MotionSample[]): number {
  const withFace = samples.filter((s) => s.leftEye !== null && s.rightEye !== null);
  if (withFace.length < 3) return 0;
  const openL = quantile(withFace.map((s) => s.leftEye!), 0.5) || 1;
  const openR = quantile(withFace.map((s) => s.rightEye!), 0.5) || 1;
  const eyes = withFace.map((s) => (s.leftEye! / openL + s.rightEye! / openR) / 2);
  const eyeSpread = quantile(eyes, 0.9) - quantile(eyes, 0.1);
  const mouth = withFace.flatMap((s) => {
    const p = s.points;
    if (!hasPoints(p)) return [];
    const width = Math.abs(p[POINT.outlineR2][0] - p[POINT.outlineL2][0]);
    return width > 0 ? [Math.hypot(p[POINT.innerLipTop][0] - p[POINT.innerLipBottom][0], p[POINT.innerLipTop][1] - p[POINT.innerLipBottom][1]) / width] : [];
  });
  const mouthSpread = mouth.length >= 3 ? 10 * (quantile(mouth, 0.9) - quantile(mouth, 0.1)) : 0;
  return Math.max(eyeSpread, mouthSpread);
}

/**
 * Passive mode: a natural blink (real lids) or a natural head turn (a rigid head) is live evidence; a
 * blink over skin or a turn that only moves the nose is a spoof sign; otherwise the face is live-looking
 * when its eyelids or mouth move naturally, and a moderator decides.
 */
function passiveEvidence(samples: MotionSample[], rules: LivenessRules): LivenessEvidence {
  const { turn: baseline, open } = sequenceBaseline(samples, rules.turnYawDegrees);
  const signals: LivenessSignal[] = [];
  const blink = findBlink(samples, 0, samples.length, open, rules);
  signals.push({ signal: 'naturalBlink', value: blink.index >= 0 ? 'seen' : blink.skinOverEyes ? 'skin over the eyes' : 'none', passed: blink.index >= 0 });
  if (blink.eyeDetail !== null) signals.push({ signal: 'blinkEyeDetail', value: round(blink.eyeDetail), threshold: rules.minEyeDetail, passed: blink.eyeDetail >= rules.minEyeDetail });
  if (blink.eyeDetail !== null && blink.openEyeDetail) {
    const share = blink.eyeDetail / blink.openEyeDetail;
    signals.push({ signal: 'blinkDetailShare', value: round(share), threshold: rules.minBlinkDetailShare, passed: share >= rules.minBlinkDetailShare });
  }
  let turnSeen = false;
  let turnFake = false;
  for (const direction of [1, -1] as const) {
    const t = findTurn(samples, 0, samples.length, direction, baseline, rules);
    if (t.index < 0 && !t.nonRigid) continue;
    turnSeen ||= t.index >= 0;
    turnFake ||= t.nonRigid && t.index < 0;
    signals.push({ signal: direction === 1 ? 'naturalTurnLeft' : 'naturalTurnRight', value: describeTurn(t, baseline, rules), passed: t.index >= 0 });
    for (const [k, v] of Object.entries(turnMeasures(t, rules))) if (!k.startsWith('min') && !k.startsWith('max')) signals.push({ signal: `${direction === 1 ? 'turnLeft' : 'turnRight'}.${k}`, value: v, passed: t.index >= 0 });
  }
  const motion = expressionMotion(samples);
  signals.push({ signal: 'expressionMotion', value: round(motion), threshold: rules.minExpressionMotion, passed: motion >= rules.minExpressionMotion });
  // A photo moved in front of the camera (zoomed, panned) keeps one face shape; its mesh's noise alone can
  // reach the expression threshold on small faces, the shape's change does not.
  const shape = shapeMotion(samples.flatMap((s) => (hasPoints(s.points) ? [s.points] : [])));
  signals.push({ signal: 'shapeMotion', value: shape === null ? null : round(shape), threshold: rules.minShapeMotion, passed: shape !== null && shape >= rules.minShapeMotion });
  const spoof = (blink.skinOverEyes && blink.index < 0) || (turnFake && !turnSeen);
  // A photo animated only where it is asked to move (a pasted blink, a warped nose) keeps its eyelids and
  // mouth still the rest of the time: without natural expression motion nothing counts as live.
  const liveLooking = motion >= rules.minExpressionMotion && shape !== null && shape >= rules.minShapeMotion;
  const verdict = spoof || !liveLooking ? 'spoof' : blink.index >= 0 || turnSeen ? 'live' : 'no-active-evidence';
  return { mode: 'passive', verdict, signals };
}

/**
 * A second face in a quarter of the frames or more (and in two at least): someone else is in front of
 * the camera. Hands near the face or a pattern read as a face come and go (≤ 10 % of the frames of the
 * shared videos); a person beside the applicant stays.
 */
export const SECOND_FACE_MIN_FRAME_SHARE = 0.25;

export function anotherPerson(problems: FrameProblem[][]): boolean {
  const seen = problems.filter((p) => p.includes('MULTIPLE_FACES')).length;
  return seen >= Math.max(2, Math.ceil(SECOND_FACE_MIN_FRAME_SHARE * problems.length));
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
  if (anotherPerson(problems)) reasons.add('MULTIPLE_FACES');
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
    eyeDetail: f.primary?.eyeDetail ?? null,
    points: f.primary?.points ?? null,
    thumb: f.thumb ?? null,
    frameWidth: f.width,
  }));
  const challengeResult = evaluateChallenges(samples, challenges, rules.liveness);
  if (!challengeResult.met) reasons.add('CHALLENGE_NOT_MET');
  let evidence: LivenessEvidence;
  if (challenges.length > 0) {
    const signals: LivenessSignal[] = challengeResult.trace.flatMap((t) => [
      { signal: t.challenge, value: t.detail, passed: t.met },
      ...Object.entries(t.measures ?? {})
        .filter(([k]) => !k.startsWith('min') && !k.startsWith('max') && !k.startsWith('closed'))
        .map(([k, v]) => ({ signal: `${t.challenge}.${k}`, value: v, threshold: thresholdOf(t.measures!, k), passed: t.met })),
    ]);
    for (const sign of challengeResult.spoofSigns) signals.push({ signal: 'spoofSign', value: sign, passed: false });
    // The asked moves alone do not make a face live: a photo animated only where asked keeps its eyelids
    // and mouth still between the moves.
    const motion = expressionMotion(samples);
    const liveLooking = motion >= rules.liveness.minExpressionMotion;
    signals.push({ signal: 'expressionMotion', value: round(motion), threshold: rules.liveness.minExpressionMotion, passed: liveLooking });
    const verdict = challengeResult.spoofSigns.length > 0 || (challengeResult.met && !liveLooking) ? 'spoof' : challengeResult.met ? 'live' : 'not-met';
    evidence = { mode: 'active', verdict, signals };
  } else {
    evidence = passiveEvidence(samples, rules.liveness);
  }
  if (evidence.verdict === 'spoof') reasons.add('SPOOF_SUSPECTED');

  const faceFrames = frames.flatMap((f, i) => (f.primary && !problems[i].includes('MULTIPLE_FACES') ? [i] : []));
  const passiveScore = median((goodFrames.length > 0 ? goodFrames : faceFrames).map((i) => frames[i].primary!.real));
  const activeScore =
    challenges.length > 0
      ? challengeResult.trace.filter((t) => t.met).length / challenges.length
      : evidence.verdict === 'live'
        ? 1
        : evidence.verdict === 'no-active-evidence'
          ? 0.5
          : 0;
  // One signal among others: the passive score alone neither passes nor refuses a check; it can refuse
  // a check whose challenges were met only together with them (as before), never a passive one.
  const livenessScore = (passiveScore + activeScore) / 2;
  evidence.signals.push({ signal: 'passiveAntispoof', value: round(passiveScore), passed: true });
  if (challenges.length > 0 && challengeResult.met && livenessScore < rules.liveness.minLivenessScore) {
    reasons.add('SPOOF_SUSPECTED');
    evidence.signals.push({ signal: 'livenessScore', value: round(livenessScore), threshold: rules.liveness.minLivenessScore, passed: false });
  }

  const quality = (i: number) => {
    const p = frames[i].primary!;
    return p.sharpness / (1 + Math.abs(p.yaw) / 10 + Math.abs(p.pitch) / 20);
  };
  const bestFrames = [...(goodFrames.length > 0 ? goodFrames : faceFrames)].sort((a, b) => quality(b) - quality(a)).slice(0, 3);

  const qualityPassed = qualityOk && !reasons.has('MULTIPLE_FACES') && !reasons.has('TIMESTAMPS_IMPLAUSIBLE');
  const livenessPassed = challengeResult.met && !reasons.has('SPOOF_SUSPECTED') && (evidence.verdict === 'live' || evidence.verdict === 'no-active-evidence');
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
    evidence,
    reviewOnly: evidence.verdict === 'no-active-evidence',
  };
}

function thresholdOf(measures: Record<string, number | null>, key: string): number | undefined {
  const cap = key.charAt(0).toUpperCase() + key.slice(1);
  const t = measures[`min${cap}`] ?? measures[`max${cap}`];
  if (key === 'peakTurn') return measures.minTurn ?? undefined;
  if (key === 'deepestEyeLevel') return measures.closedBelow ?? undefined;
  return t ?? undefined;
}

/**
 * The outcome of a judged check: PASSED when live, good and matching; when live and good but not
 * matching (or without active evidence), UNDER_REVIEW — a moderator decides — for a registration, a
 * failure for a face step-up (`unmatched: 'fail'`: nobody reviews a step-up); otherwise RETRY, or LOCKED
 * once the failures reach the limit.
 */
export function decideOutcome(
  judgement: Pick<SequenceJudgement, 'qualityPassed' | 'livenessPassed'> & { reviewOnly?: boolean },
  similarity: number | null,
  rules: { matchThreshold: number; failedBefore: number; maxFailedChecks: number; unmatched?: 'review' | 'fail' },
): { outcome: VideoCheckOutcome; failed: boolean } {
  // Live and good: the face either matches, or a moderator decides (also when there is no reference face).
  // Passive mode without active evidence: never PASSED; a moderator sees the frames.
  if (judgement.qualityPassed && judgement.livenessPassed) {
    if (!goesToReview(judgement, similarity, rules.matchThreshold)) return { outcome: 'PASSED', failed: false };
    if (rules.unmatched !== 'fail') return { outcome: 'UNDER_REVIEW', failed: false };
  }
  return { outcome: failureLocks(rules.failedBefore, rules) ? 'LOCKED' : 'RETRY', failed: true };
}

type ReviewInput = Pick<SequenceJudgement, 'qualityPassed' | 'livenessPassed'> & { reviewOnly?: boolean };

/** Whether a judged check goes to a moderator: live and good, but without active evidence or without a match. */
export function goesToReview(judgement: ReviewInput, similarity: number | null, matchThreshold: number): boolean {
  return judgement.qualityPassed && judgement.livenessPassed && (judgement.reviewOnly === true || !faceMatches(similarity, matchThreshold));
}

export type ReviewReason = 'NO_ACTIVE_EVIDENCE' | 'FACE_MISMATCH' | 'REFERENCE_UNUSABLE' | 'NO_REFERENCE_FACE';

/**
 * Why the moderator sees the check (the case's reasons): no active evidence, a face below the match
 * threshold, or no score at all — a reference photo that was measured and found unusable, or none.
 */
export function reviewReasons(
  judgement: { reviewOnly?: boolean },
  similarity: number | null,
  reference: { measures: ReferenceMeasures | null } | undefined,
  matchThreshold: number,
): ReviewReason[] {
  const reasons: ReviewReason[] = judgement.reviewOnly ? ['NO_ACTIVE_EVIDENCE'] : [];
  if (similarity !== null) return faceMatches(similarity, matchThreshold) ? reasons : [...reasons, 'FACE_MISMATCH'];
  return [...reasons, reference?.measures ? 'REFERENCE_UNUSABLE' : 'NO_REFERENCE_FACE'];
}

/** What the citizen is told: nothing for a check a moderator will see, and never FACE_MISMATCH. */
export function citizenReasons(outcome: VideoCheckOutcome, reasons: readonly VideoCheckReason[]): VideoCheckReason[] {
  return outcome === 'UNDER_REVIEW' ? [] : reasons.filter((r) => r !== 'FACE_MISMATCH');
}

export type StepUpReason = VideoCheckReason | ReviewReason;

/**
 * What a citizen who tried a face step-up is told: the check's own reasons, and for a live, good check
 * that failed anyway why (FACE_MISMATCH, NO_ACTIVE_EVIDENCE, REFERENCE_UNUSABLE, NO_REFERENCE_FACE) —
 * the session's holder learns only that their face did not confirm the Digital ID's.
 */
export function stepUpReasons(outcome: VideoCheckOutcome, reasons: readonly VideoCheckReason[], unmatched: readonly ReviewReason[]): StepUpReason[] {
  if (outcome === 'PASSED') return [];
  return reasons.length > 0 ? reasons.filter((r) => r !== 'FACE_MISMATCH') : [...unmatched];
}
