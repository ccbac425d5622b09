import { describe, expect, it } from 'vitest';
import { drawChallenges, evaluateChallenges, parseChallengeSetting, rigidTurnFit, sequenceBaseline, type MotionSample } from './challenges.rules.js';
import { MOTION_POINTS } from './engine/frame-measures.js';

// Slots of 1 s (8 frames at 125 ms): challenge k must be performed in [k s, k+1 s).
const rules = { turnYawDegrees: 8, blinkClosedRatio: 0.7, minBlinkFrames: 1, challengeWindowMs: 1000, minEyeDetail: 2, minBlinkDetailShare: 0.5, minRigidFit: 0.5, minPeripheryToNose: 0.45, maxBackgroundToPeriphery: 0.8 };

/**
 * Frames every 125 ms from a compact script: numbers are turns (°), 'o' open eyes, 'h' half-closed,
 * 'c' closed (real lids), 's' closed by skin pasted over the eyes, '-' no face.
 */
function script(steps: Array<number | 'o' | 'h' | 'c' | 's' | '-'>): MotionSample[] {
  return steps.map((s, i) => {
    const t = i * 125;
    if (s === '-') return { t, turn: null, leftEye: null, rightEye: null };
    const eye = s === 'c' || s === 's' ? 0.08 : s === 'h' ? 0.26 : 0.32;
    return { t, turn: typeof s === 'number' ? s : 0, leftEye: eye, rightEye: eye, eyeDetail: s === 's' ? 1.2 : 6 };
  });
}

describe('challenge setting', () => {
  it.each([
    ['random', { mode: 'random' }],
    ['', { mode: 'random' }],
    ['none', { mode: 'none' }],
    ['TURN_LEFT,BLINK', { mode: 'fixed', challenges: ['TURN_LEFT', 'BLINK'] }],
    [' turn_right , blink ', { mode: 'fixed', challenges: ['TURN_RIGHT', 'BLINK'] }],
  ])('reads %j', (value, expected) => {
    expect(parseChallengeSetting(value)).toEqual(expected);
  });

  it('rejects an unknown challenge name', () => {
    expect(() => parseChallengeSetting('TURN_LEFT,SMILE')).toThrow(/SMILE/);
  });

  it('draws distinct challenges at random, none in passive mode, the list when fixed', () => {
    expect(drawChallenges({ mode: 'random' }, 2, () => 0)).toEqual(['TURN_LEFT', 'TURN_RIGHT']);
    expect(drawChallenges({ mode: 'random' }, 3, (n) => n - 1)).toEqual(['BLINK', 'TURN_RIGHT', 'TURN_LEFT']);
    expect(drawChallenges({ mode: 'none' }, 2, () => 0)).toEqual([]);
    expect(drawChallenges({ mode: 'fixed', challenges: ['BLINK'] }, 2, () => 0)).toEqual(['BLINK']);
  });
});

describe('challenge evaluation (turns without mesh points: the angle and the slot decide)', () => {
  it.each<[string, Array<number | 'o' | 'h' | 'c' | 's' | '-'>, Parameters<typeof evaluateChallenges>[1], boolean]>([
    ['a turn to the left', [0, 0, 0, 4, 9, 12, 5, 0], ['TURN_LEFT'], true],
    ['a turn to the right is not a turn to the left', [0, 0, 0, -4, -9, -12, -5, 0], ['TURN_LEFT'], false],
    ['a turn to the right', [0, 0, 0, -4, -9, -12, -5, 0], ['TURN_RIGHT'], true],
    ['a small sway is no turn', [0, 2, -2, 3, -3, 4, 0, 1], ['TURN_LEFT'], false],
    ['a head held turned from the start is no turn', [12, 12, 12, 12, 0, 0, 0, 0, 0, 0, 0, 0], ['TURN_LEFT'], false],
    ['a blink: open, closed, open (one frame at 8 fps)', ['o', 'o', 'o', 'c', 'o', 'o', 'o', 'o'], ['BLINK'], true],
    ['a blink over two frames', ['o', 'o', 'h', 'c', 'o', 'o', 'o', 'o'], ['BLINK'], true],
    ['eyes closed all along is no blink', ['c', 'c', 'c', 'c', 'c', 'c'], ['BLINK'], false],
    ['a squint without closing is no blink', ['o', 'o', 'h', 'h', 'h', 'o', 'o', 'o'], ['BLINK'], false],
    ['skin pasted over the eyes is no blink', ['o', 'o', 's', 's', 's', 'o', 'o', 'o'], ['BLINK'], false],
    ['a blink across a frame without a face does not count', ['o', 'o', 'c', '-', 'c', 'o', 'o', 'o'], ['BLINK'], false],
    ['each challenge in its own slot, in order', ['o', 'o', 'c', 'o', 'o', 'o', 'o', 'o', 0, 0, 10, 12, 0, 0, 0, 0], ['BLINK', 'TURN_LEFT'], true],
    ['the same moves against the other order', ['o', 'o', 'c', 'o', 'o', 'o', 'o', 'o', 0, 0, 10, 12, 0, 0, 0, 0], ['TURN_LEFT', 'BLINK'], false],
    ['both moves in the first slot: the second is missing from its slot', ['o', 'c', 'o', 0, 10, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ['BLINK', 'TURN_LEFT'], false],
    ['a turn the other way in the slot (a replayed recording) fails the turn', [0, 0, -10, -12, 0, 10, 12, 0], ['TURN_LEFT'], false],
    ['a head turn in a blink slot (a replayed recording) fails the blink', ['o', 'o', 'c', 'o', 0, 12, 0, 'o'], ['BLINK'], false],
    ['no challenges: passive check', [0, 0, 0], [], true],
    ['no face at all', ['-', '-', '-'], ['BLINK'], false],
  ])('%s', (_label, steps, challenges, met) => {
    expect(evaluateChallenges(script(steps), challenges, rules).met).toBe(met);
  });

  it('a blink before its prompt does not count', () => {
    // Slot 0: turn left; slot 1: blink. The only blink happens in slot 0, before the blink prompt.
    const r = evaluateChallenges(script([0, 'c', 0, 9, 12, 0, 0, 0, 'o', 'o', 'o', 'o', 'o', 'o', 'o', 'o']), ['TURN_LEFT', 'BLINK'], rules);
    expect(r.trace.map((t) => t.met)).toEqual([true, false]);
    expect(r.trace[1].detail).toMatch(/not performed in its slot \(1000–2000 ms\)/);
  });

  it('names skin over the eyes as a spoof sign and keeps the measures', () => {
    const r = evaluateChallenges(script(['o', 'o', 's', 's', 's', 'o', 'o', 'o']), ['BLINK'], rules);
    expect(r.spoofSigns).toEqual(['SKIN_OVER_EYES']);
    expect(r.trace[0].measures).toMatchObject({ eyeDetail: 1.2, minEyeDetail: 2 });
  });

  it('traces when each challenge was met', () => {
    const r = evaluateChallenges(script(['o', 'o', 'h', 'c', 'o', 'o', 'o', 'o', 0, 10, 0, 0]), ['BLINK', 'TURN_LEFT'], rules);
    expect(r.trace.map((t) => [t.challenge, t.met, t.atMs])).toEqual([
      ['BLINK', true, 500],
      ['TURN_LEFT', true, 1125],
    ]);
  });
});

// A head as points at depths: the nose tip in front, the eyes behind it, the outline furthest back.
function head(): Array<[number, number, number]> {
  return Object.keys(MOTION_POINTS).map((name, i): [number, number, number] => {
    // eyeLOuter, outlineL3, mouthL, cheekLowL: the person's left side of the picture.
    const side = /L(\d|[A-Z]|$)/.test(name.replace('Low', '')) ? -1 : 1;
    const x = name.startsWith('outline') ? side * 100 : /^(eye|brow|cheek)/.test(name) ? side * 50 : /^(noseWing|noseSide|mouth)/.test(name) ? side * 25 : 0;
    const z = name.startsWith('outline') ? 60 : /^(eye|brow|cheek)/.test(name) ? 15 : name.startsWith('nose') ? -25 : 0;
    return [200 + x + (i % 3), 200 + i * 3, z];
  });
}

describe('rigid turn fit of the mesh', () => {
  it('explains a rigid rotation fully, the nose moving the way of the turn', () => {
    const a = head();
    const angle = (15 * Math.PI) / 180;
    const cx = 200;
    // Rotation about a vertical axis through the head, seen from the front: x' = x cos + z sin.
    const b = a.map(([x, y, z]): [number, number, number] => [cx + (x - cx) * Math.cos(angle) - z * Math.sin(angle), y, z]);
    const fit = rigidTurnFit(a, b);
    expect(fit.r2).toBeGreaterThan(0.99);
    // The nose (z < 0) moved to the image's right: depth term < 0.
    expect(fit.depthTerm).toBeLessThan(0);
  });

  it('does not explain a nose moved against a fixed face', () => {
    const a = head();
    const b = a.map(([x, y, z], i): [number, number, number] => [Object.keys(MOTION_POINTS)[i].startsWith('nose') ? x + 20 : x, y, z]);
    expect(rigidTurnFit(a, b).r2).toBeLessThan(0.6);
  });
});

describe('usual pose', () => {
  it('judges a closure against the open eyes, even when the eyes were lowered for most of the slot', () => {
    // Open (0.32), then lids lowered to half for 10 frames, then open again: against the median (0.16)
    // nothing would close; against the open eyes the lids went to half.
    const eyes = [0.32, 0.32, 0.32, 0.16, 0.16, 0.16, 0.16, 0.16, 0.16, 0.16, 0.16, 0.16, 0.16, 0.32, 0.32, 0.32];
    const lowered = eyes.map((e, i) => ({ t: i * 125, turn: 0, leftEye: e, rightEye: e, eyeDetail: 6 }));
    expect(sequenceBaseline(lowered).open).toEqual({ left: 0.32, right: 0.32 });
    expect(evaluateChallenges(lowered, ['BLINK'], { ...rules, challengeWindowMs: 2000 }).met).toBe(true);
  });

  it('is the pose of the frames not turned, so a held turn does not shrink itself', () => {
    // A frontal head jittering ±1°, then a turn to 9.3° held for a third of the frames: the median of all
    // frames (0.5°) would make it a 8.8° turn; the frontal frames say 0°.
    const turns = [-1, 0.6, -0.6, 1, -0.2, 0.2, -0.8, 0.8, 9.3, 9.3, 9.3, 9.3, 9.3, 9.3, -0.4, 0.4, 0, 0];
    const samples = turns.map((turn, i) => ({ t: i * 125, turn, leftEye: 0.3, rightEye: 0.3 }));
    expect(sequenceBaseline(samples).turn).toBe(0.5);
    expect(evaluateChallenges(samples, ['TURN_LEFT'], { ...rules, challengeWindowMs: 3000, turnYawDegrees: 9 }).trace[0].measures?.peakTurn).toBeCloseTo(9.3, 1);
    expect(sequenceBaseline(samples, 9).turn).toBeCloseTo(0, 5);
    expect(evaluateChallenges(samples, ['TURN_LEFT'], { ...rules, challengeWindowMs: 3000, turnYawDegrees: 9 }).met).toBe(true);
  });
});
