// The decision after a check is judged (video-check.rules.ts, match.rules.ts, video-check-lock.rules.ts):
// one threshold comparison and one lock count serve the outcome, the case reasons and what the citizen sees.
import { describe, expect, it } from 'vitest';
import { faceMatches } from './match.rules.js';
import { failureLocks, nextLock } from './video-check-lock.rules.js';
import { citizenReasons, decideOutcome, goesToReview, reviewReasons } from './video-check.rules.js';

const threshold = 0.86;
const live = { qualityPassed: true, livenessPassed: true };

describe('faceMatches', () => {
  it.each([
    [0.9, true],
    [0.86, true],
    [0.8599, false],
    [0, false],
    [null, false],
  ] as const)('%s → %s', (similarity, matches) => {
    expect(faceMatches(similarity, threshold)).toBe(matches);
  });
});

describe('goesToReview agrees with decideOutcome', () => {
  it.each([
    ['live, good, matching', live, 0.9, false],
    ['live, good, below the threshold', live, 0.85, true],
    ['live, good, no reference face', live, null, true],
    ['passive without active evidence, matching', { ...live, reviewOnly: true }, 0.99, true],
    ['not live', { qualityPassed: true, livenessPassed: false }, 0.2, false],
    ['poor quality', { qualityPassed: false, livenessPassed: true }, null, false],
  ] as const)('%s → %s', (_label, judgement, similarity, review) => {
    expect(goesToReview(judgement, similarity, threshold)).toBe(review);
    expect(decideOutcome(judgement, similarity, { matchThreshold: threshold, failedBefore: 0, maxFailedChecks: 3 }).outcome === 'UNDER_REVIEW').toBe(review);
  });
});

describe('reviewReasons', () => {
  it.each([
    ['a face below the threshold', {}, 0.7, undefined, ['FACE_MISMATCH']],
    ['a matching face without active evidence', { reviewOnly: true }, 0.95, undefined, ['NO_ACTIVE_EVIDENCE']],
    ['no active evidence and no match', { reviewOnly: true }, 0.5, undefined, ['NO_ACTIVE_EVIDENCE', 'FACE_MISMATCH']],
    ['a reference photo measured and unusable', {}, null, { measures: { width: 300, height: 400, faces: 1, faceHeight: 40, eyeDistance: 12, sharpness: 20, brightness: 120, yaw: 0 } }, ['REFERENCE_UNUSABLE']],
    ['no reference face at all', {}, null, { measures: null }, ['NO_REFERENCE_FACE']],
    ['no reference looked at', {}, null, undefined, ['NO_REFERENCE_FACE']],
  ] as const)('%s → %o', (_label, judgement, similarity, reference, reasons) => {
    expect(reviewReasons(judgement, similarity, reference, threshold)).toEqual(reasons);
  });
});

describe('citizenReasons', () => {
  it('tells nothing for a check under review and never FACE_MISMATCH', () => {
    expect(citizenReasons('UNDER_REVIEW', ['FACE_MISMATCH', 'BLURRY'])).toEqual([]);
    expect(citizenReasons('RETRY', ['FACE_MISMATCH', 'BLURRY', 'CHALLENGE_NOT_MET'])).toEqual(['BLURRY', 'CHALLENGE_NOT_MET']);
    expect(citizenReasons('LOCKED', ['SPOOF_SUSPECTED'])).toEqual(['SPOOF_SUSPECTED']);
    expect(citizenReasons('PASSED', [])).toEqual([]);
  });
});

describe('LOCKED comes from the same count as the lock', () => {
  const rules = { maxFailedChecks: 3, lockMs: 15 * 60_000 };
  const now = new Date('2026-12-01T12:00:00Z');
  it.each([0, 1, 2, 3])('after %i failures, one more failure: outcome and lock agree', (failedBefore) => {
    const outcome = decideOutcome({ qualityPassed: true, livenessPassed: false }, null, { matchThreshold: threshold, failedBefore, maxFailedChecks: rules.maxFailedChecks }).outcome;
    const locked = nextLock({ failedChecks: failedBefore, lockedUntil: null }, true, rules, now).lockedUntil !== null;
    expect(failureLocks(failedBefore, rules)).toBe(failedBefore >= 2);
    expect(outcome).toBe(locked ? 'LOCKED' : 'RETRY');
  });
});
