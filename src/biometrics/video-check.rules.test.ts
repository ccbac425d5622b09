import { describe, expect, it } from 'vitest';
import type { FrameAnalysis } from './engine/face-engine.js';
import { frameProblems } from './quality.rules.js';
import { cosineSimilarity, fuseDescriptors, ratesAtFmr } from './match.rules.js';
import { faceShape } from '../../test/support/face-shapes.js';
import { anotherPerson, decideOutcome, judgeSequence, stepUpReasons, timestampsPlausible, type ReviewReason, type VideoCheckReason } from './video-check.rules.js';

const quality = { minFaceRatio: 0.2, maxCenterOffset: 0.3, minBrightness: 40, maxBrightness: 225, minSharpness: 25 };
const liveness = {
  turnYawDegrees: 8,
  blinkClosedRatio: 0.7,
  minBlinkFrames: 1,
  challengeWindowMs: 5000,
  minEyeDetail: 2,
  minBlinkDetailShare: 0.5,
  minRigidFit: 0.5,
  minPeripheryToNose: 0.45,
  maxBackgroundToPeriphery: 0.8,
  minExpressionMotion: 0.12,
  minShapeMotion: 0.026,
  minLivenessScore: 0.6,
  minGoodFrameShare: 0.6,
};
const rules = { quality, liveness, timestamps: { maxSpanMs: 180_000 } };
/** A talking face's mesh points in frame k (the mouth opens and closes). */
const talking = (k: number) => faceShape({ seed: k + 1, mouth: 12 + 12 * Math.sin(k * 1.3) });

function frame(p: Partial<NonNullable<FrameAnalysis['primary']>> | null = {}, extraFaces = 0): FrameAnalysis {
  const primary =
    p === null
      ? null
      : { box: [150, 100, 340, 340], yaw: 0, pitch: 0, roll: 0, noseOffset: 0, leftEye: 0.32, rightEye: 0.32, brightness: 120, sharpness: 300, real: 0.75, live: 0.9, alignBox: [170, 120, 300, 300], points: [], eyeDetail: 6, ...p };
  return {
    width: 640,
    height: 480,
    faces: primary ? [{ box: primary.box as [number, number, number, number], score: 1 }, ...Array.from({ length: extraFaces }, () => ({ box: [10, 10, 200, 200] as [number, number, number, number], score: 0.9 }))] : [],
    primary: primary as FrameAnalysis['primary'],
    thumb: { width: 64, height: 48, data: [] },
    decodeMs: 1,
    modelMs: 10,
  };
}

describe('frame quality', () => {
  it.each<[string, FrameAnalysis, string[]]>([
    ['a good frame', frame(), []],
    ['no face', frame(null), ['NO_FACE']],
    ['another face beside', frame({}, 1), ['MULTIPLE_FACES']],
    ['a face far away', frame({ alignBox: [300, 220, 60, 60] }), ['FACE_TOO_SMALL']],
    ['a face at the edge', frame({ alignBox: [500, 150, 140, 200] }), ['FACE_NOT_CENTERED']],
    ['too dark', frame({ brightness: 20 }), ['POOR_LIGHTING']],
    ['too bright', frame({ brightness: 250 }), ['POOR_LIGHTING']],
    ['blurred', frame({ sharpness: 10 }), ['BLURRY']],
  ])('%s', (_label, f, problems) => {
    expect(frameProblems(f, quality)).toEqual(problems);
  });

  it('measures the face against the shorter side, so holding the phone upright does not make it "too small"', () => {
    const upright = { ...frame({ alignBox: [170, 250, 110, 110] }), width: 480, height: 640 };
    const sideways = frame({ alignBox: [250, 170, 110, 110] });
    expect(frameProblems(upright, quality)).toEqual([]);
    expect(frameProblems(sideways, quality)).toEqual([]);
    expect(frameProblems({ ...upright, primary: { ...upright.primary!, alignBox: [190, 270, 90, 90] } }, quality)).toEqual(['FACE_TOO_SMALL']);
  });
});

describe('timestamps', () => {
  it.each<[string, number[], boolean]>([
    ['steady 8 fps', [0, 125, 250, 375], true],
    ['going backwards', [0, 125, 100, 375], false],
    ['all at once', [0, 0, 0, 0], false],
    ['a gap of 5 s', [0, 125, 5125], false],
    ['negative', [-5, 120, 245], false],
    ['longer than the check lives', [0, 1000, 2000, 200_000], false],
  ])('%s', (_label, ts, ok) => {
    expect(timestampsPlausible(ts, { maxSpanMs: 180_000 })).toBe(ok);
  });
});

describe('sequence judgement and outcome', () => {
  const ts = (n: number) => Array.from({ length: n }, (_, i) => i * 125);

  it('passes quality and liveness for a good sequence with a blink asked and done', () => {
    const eyes = [0.32, 0.32, 0.32, 0.2, 0.08, 0.32, 0.32, 0.32];
    const j = judgeSequence(eyes.map((e) => frame({ leftEye: e, rightEye: e })), ts(8), ['BLINK'], rules);
    expect(j).toMatchObject({ qualityPassed: true, livenessPassed: true, reviewOnly: false, reasons: [] });
    expect(j.bestFrames).toHaveLength(3);
    // The evidence names the signal, its value and threshold.
    expect(j.evidence).toMatchObject({ mode: 'active', verdict: 'live' });
    expect(j.evidence.signals).toContainEqual({ signal: 'BLINK.eyeDetail', value: 6, threshold: 2, passed: true });
  });

  it('refuses a turn asked and made by a face whose eyelids and mouth never move (an animated photo)', () => {
    const yaws = [0, 0, 0, 0, -12, 0, 0, 0];
    const j = judgeSequence(yaws.map((y) => frame({ yaw: y })), ts(8), ['TURN_LEFT'], rules);
    expect(j.reasons).toEqual(['SPOOF_SUSPECTED']);
    expect(j.livenessPassed).toBe(false);
    expect(j.evidence.signals).toContainEqual({ signal: 'expressionMotion', value: 0, threshold: 0.12, passed: false });
  });

  it('retries with CHALLENGE_NOT_MET when the asked turn never happens', () => {
    const j = judgeSequence(ts(8).map(() => frame()), ts(8), ['TURN_LEFT'], rules);
    expect(j.reasons).toEqual(['CHALLENGE_NOT_MET']);
    expect(j.livenessPassed).toBe(false);
  });

  it('passive mode: a natural blink is live evidence (PASSED when the face matches)', () => {
    const eyes = [0.32, 0.28, 0.33, 0.08, 0.31, 0.26, 0.32, 0.3];
    const j = judgeSequence(eyes.map((e, k) => frame({ leftEye: e, rightEye: e, points: talking(k) })), ts(8), [], rules);
    expect(j).toMatchObject({ livenessPassed: true, reviewOnly: false, reasons: [] });
    expect(j.evidence).toMatchObject({ mode: 'passive', verdict: 'live' });
    expect(decideOutcome(j, 0.97, { matchThreshold: 0.93, failedBefore: 0, maxFailedChecks: 3 }).outcome).toBe('PASSED');
  });

  it('passive mode: a still, live-looking face without a blink or turn goes to a moderator, never PASSED nor RETRY', () => {
    // The eyes move (glances, a half-blink) but never close: no active evidence, not a photo.
    const eyes = [0.32, 0.3, 0.26, 0.32, 0.29, 0.24, 0.32, 0.31];
    const j = judgeSequence(eyes.map((e, k) => frame({ leftEye: e, rightEye: e, real: 0.3, points: talking(k) })), ts(8), [], rules);
    expect(j).toMatchObject({ livenessPassed: true, reviewOnly: true, reasons: [] });
    expect(j.evidence.verdict).toBe('no-active-evidence');
    expect(j.evidence.signals).toContainEqual({ signal: 'expressionMotion', value: expect.any(Number), threshold: 0.12, passed: true });
    expect(j.evidence.signals).toContainEqual({ signal: 'shapeMotion', value: expect.any(Number), threshold: 0.026, passed: true });
    expect(decideOutcome(j, 0.99, { matchThreshold: 0.93, failedBefore: 0, maxFailedChecks: 3 })).toEqual({ outcome: 'UNDER_REVIEW', failed: false });
  });

  it('passive mode: a face as still as a photo (no eyelid or mouth movement at all) is refused as a spoof', () => {
    const j = judgeSequence(ts(8).map(() => frame()), ts(8), [], rules);
    expect(j.reasons).toEqual(['SPOOF_SUSPECTED']);
    expect(j.evidence.verdict).toBe('spoof');
  });

  it('passive mode: a photo moved in front of the camera is refused even when its mesh noise looks like expression', () => {
    // Eye openness jitters as on a small face, but the face keeps one shape while zoomed and panned.
    const eyes = [0.32, 0.28, 0.33, 0.27, 0.31, 0.26, 0.32, 0.3];
    const j = judgeSequence(eyes.map((e, k) => frame({ leftEye: e, rightEye: e, points: faceShape({ seed: k + 1, zoom: 1 + 0.02 * k, panX: 3 * k }) })), ts(8), [], rules);
    expect(j.reasons).toEqual(['SPOOF_SUSPECTED']);
    expect(j.evidence.signals).toContainEqual({ signal: 'expressionMotion', value: expect.any(Number), threshold: 0.12, passed: true });
    expect(j.evidence.signals).toContainEqual({ signal: 'shapeMotion', value: expect.any(Number), threshold: 0.026, passed: false });
  });

  it('passive mode: closed "lids" that lost the open eyes\' detail are pasted skin, not a blink', () => {
    // Detail 2.5 passes the absolute floor (2) but is a fifth of these eyes' open detail (12).
    const eyes = [0.32, 0.32, 0.32, 0.08, 0.08, 0.32, 0.3, 0.26];
    const j = judgeSequence(eyes.map((e, k) => frame({ leftEye: e, rightEye: e, eyeDetail: e < 0.1 ? 2.5 : 12, points: talking(k) })), ts(8), [], rules);
    expect(j.reasons).toEqual(['SPOOF_SUSPECTED']);
    expect(j.evidence.signals).toContainEqual({ signal: 'naturalBlink', value: 'skin over the eyes', passed: false });
    expect(j.evidence.signals).toContainEqual({ signal: 'blinkDetailShare', value: expect.closeTo(0.208, 2), threshold: 0.5, passed: false });
  });

  it('passive mode: skin pasted over the eyes is a spoof sign, not a blink', () => {
    const eyes = [0.32, 0.32, 0.32, 0.08, 0.08, 0.32, 0.3, 0.26];
    const j = judgeSequence(eyes.map((e) => frame({ leftEye: e, rightEye: e, eyeDetail: e < 0.1 ? 1.2 : 6 })), ts(8), [], rules);
    expect(j.reasons).toEqual(['SPOOF_SUSPECTED']);
    expect(j.evidence.signals).toContainEqual({ signal: 'naturalBlink', value: 'skin over the eyes', passed: false });
  });

  it('does not refuse on a low passive score alone when the challenges were performed', () => {
    const yaws = [0, 0, 0, 0, -12, 0, 0, 0];
    const eyes = [0.32, 0.28, 0.33, 0.25, 0.31, 0.26, 0.32, 0.3];
    const j = judgeSequence(yaws.map((y, i) => frame({ yaw: y, real: 0.25, leftEye: eyes[i], rightEye: eyes[i] })), ts(8), ['TURN_LEFT'], rules);
    expect(j.livenessPassed).toBe(true);
  });

  it('names the problems most frames had when too few frames are good', () => {
    const frames = [...Array.from({ length: 6 }, () => frame({ brightness: 10 })), frame(), frame()];
    expect(judgeSequence(frames, ts(8), [], rules).reasons).toContain('POOR_LIGHTING');
    expect(judgeSequence(Array.from({ length: 8 }, () => frame(null)), ts(8), [], rules).reasons).toContain('NO_FACE');
  });

  it('refuses another person in front of the camera (a second face in a quarter of the frames or more)', () => {
    const frames = ts(8).map((_, i) => frame({}, i < 2 ? 1 : 0));
    expect(judgeSequence(frames, ts(8), [], rules).reasons).toContain('MULTIPLE_FACES');
    const long = ts(40).map((_, i) => frame({}, i % 4 === 0 ? 1 : 0));
    expect(judgeSequence(long, ts(40), [], rules).reasons).toContain('MULTIPLE_FACES');
  });

  it('does not refuse a second "face" seen now and then (hands near the face)', () => {
    const frames = ts(40).map((_, i) => frame({}, i === 7 || i === 8 || i === 21 || i === 30 ? 1 : 0));
    expect(judgeSequence(frames, ts(40), [], rules).reasons).not.toContain('MULTIPLE_FACES');
    expect(anotherPerson(frames.map((f) => frameProblems(f, quality)))).toBe(false);
  });

  it.each<[string, { q: boolean; l: boolean; review?: boolean }, number | null, number, string, boolean]>([
    ['live, good and matching', { q: true, l: true }, 0.97, 0, 'PASSED', false],
    ['live and good but another face', { q: true, l: true }, 0.8, 0, 'UNDER_REVIEW', false],
    ['live and good without a reference face', { q: true, l: true }, null, 0, 'UNDER_REVIEW', false],
    ['not live: first failure', { q: true, l: false }, null, 0, 'RETRY', true],
    ['poor quality: second failure', { q: false, l: true }, null, 1, 'RETRY', true],
    ['third failure locks', { q: true, l: false }, null, 2, 'LOCKED', true],
    ['passive without active evidence, matching', { q: true, l: true, review: true }, 0.99, 0, 'UNDER_REVIEW', false],
  ])('%s → %s', (_label, j, similarity, failedBefore, outcome, failed) => {
    expect(decideOutcome({ qualityPassed: j.q, livenessPassed: j.l, reviewOnly: (j as { review?: boolean }).review }, similarity, { matchThreshold: 0.93, failedBefore, maxFailedChecks: 3 })).toEqual({ outcome, failed });
  });
});

describe('a face step-up: nobody reviews it, so what a registration sends to a moderator fails', () => {
  it.each<[string, { q: boolean; l: boolean; review?: boolean }, number | null, number, string, boolean]>([
    ['live, good and matching', { q: true, l: true }, 0.97, 0, 'PASSED', false],
    ['live and good but another face', { q: true, l: true }, 0.8, 0, 'RETRY', true],
    ['another face, second failure', { q: true, l: true }, 0.8, 1, 'RETRY', true],
    ['another face, third failure locks', { q: true, l: true }, 0.8, 2, 'LOCKED', true],
    ['live and good without a reference face', { q: true, l: true }, null, 0, 'RETRY', true],
    ['passive without active evidence, matching', { q: true, l: true, review: true }, 0.99, 0, 'RETRY', true],
    ['not live', { q: true, l: false }, null, 0, 'RETRY', true],
    ['poor quality, third failure locks', { q: false, l: true }, null, 2, 'LOCKED', true],
  ])('%s → %s', (_label, j, similarity, failedBefore, outcome, failed) => {
    expect(decideOutcome({ qualityPassed: j.q, livenessPassed: j.l, reviewOnly: j.review }, similarity, { matchThreshold: 0.93, failedBefore, maxFailedChecks: 3, unmatched: 'fail' })).toEqual({ outcome, failed });
  });

  it.each<[string, 'PASSED' | 'RETRY' | 'LOCKED', VideoCheckReason[], ReviewReason[], string[]]>([
    ['passed: nothing to tell', 'PASSED', [], [], []],
    ['another face: told it did not match', 'RETRY', [], ['FACE_MISMATCH'], ['FACE_MISMATCH']],
    ['locked by another face', 'LOCKED', [], ['FACE_MISMATCH'], ['FACE_MISMATCH']],
    ['no active evidence', 'RETRY', [], ['NO_ACTIVE_EVIDENCE'], ['NO_ACTIVE_EVIDENCE']],
    ['the check itself failed: its reasons', 'RETRY', ['BLURRY', 'CHALLENGE_NOT_MET'], [], ['BLURRY', 'CHALLENGE_NOT_MET']],
  ])('%s', (_label, outcome, reasons, unmatched, told) => {
    expect(stepUpReasons(outcome, reasons, unmatched)).toEqual(told);
  });
});

describe('matching arithmetic', () => {
  it('fuses normalised descriptors and compares by cosine', () => {
    expect(cosineSimilarity([1, 0], [2, 0])).toBeCloseTo(1);
    expect(cosineSimilarity([1, 0], [0, 3])).toBeCloseTo(0);
    expect(Array.from(fuseDescriptors([[2, 0], [0, 4]]))).toEqual([0.5, 0.5]);
  });

  it('finds the threshold at a false-match rate and the false non-match rate there', () => {
    const impostor = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const r = ratesAtFmr([0.5, 0.995, 0.9995, 1], impostor, 0.001);
    expect(r.fmr).toBeLessThanOrEqual(0.001);
    expect(r.fnmr).toBe(0.5);
  });
});
