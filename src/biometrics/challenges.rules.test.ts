import { describe, expect, it } from 'vitest';
import { drawChallenges, evaluateChallenges, parseChallengeSetting, type MotionSample } from './challenges.rules.js';

const rules = { turnYawDegrees: 8, blinkClosedRatio: 0.7, minBlinkFrames: 2, challengeWindowMs: 5000 };

/** Frames every 125 ms from a compact script: numbers are turns (°), 'o' open eyes, 'h' half-closed, 'c' closed, '-' no face. */
function script(steps: Array<number | 'o' | 'h' | 'c' | '-'>): MotionSample[] {
  return steps.map((s, i) => {
    const t = i * 125;
    if (s === '-') return { t, turn: null, leftEye: null, rightEye: null };
    const eye = s === 'c' ? 0.08 : s === 'h' ? 0.26 : 0.32;
    return { t, turn: typeof s === 'number' ? s : 0, leftEye: eye, rightEye: eye };
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

describe('challenge evaluation', () => {
  it.each<[string, Array<number | 'o' | 'h' | 'c' | '-'>, Parameters<typeof evaluateChallenges>[1], boolean]>([
    ['a turn to the left', [0, 0, 0, 4, 9, 12, 5, 0, 0], ['TURN_LEFT'], true],
    ['a turn to the right is not a turn to the left', [0, 0, 0, -4, -9, -12, -5, 0, 0], ['TURN_LEFT'], false],
    ['a turn to the right', [0, 0, 0, -4, -9, -12, -5, 0, 0], ['TURN_RIGHT'], true],
    ['a small sway is no turn', [0, 2, -2, 3, -3, 4, 0, 1], ['TURN_LEFT'], false],
    ['a blink: open, closed over two frames, open', ['o', 'o', 'o', 'h', 'c', 'o', 'o', 'o'], ['BLINK'], true],
    ['one low value is no blink', ['o', 'o', 'o', 'c', 'o', 'o', 'o', 'o'], ['BLINK'], false],
    ['eyes closed all along is no blink', ['c', 'c', 'c', 'c', 'c', 'c'], ['BLINK'], false],
    ['a squint without closing is no blink', ['o', 'o', 'h', 'h', 'h', 'o', 'o', 'o'], ['BLINK'], false],
    ['a blink across a frame without a face does not count', ['o', 'o', 'c', '-', 'c', 'o', 'o', 'o'], ['BLINK'], false],
    ['challenges in the asked order', ['o', 'o', 'h', 'c', 'o', 'o', 0, 10, 12, 0, 0, 0, 0], ['BLINK', 'TURN_LEFT'], true],
    ['challenges in the wrong order', ['o', 'o', 'h', 'c', 'o', 'o', 0, 10, 12, 0, 0, 0, 0], ['TURN_LEFT', 'BLINK'], false],
    ['no challenges: passive check', [0, 0, 0], [], true],
    ['no face at all', ['-', '-', '-'], ['BLINK'], false],
  ])('%s', (_label, steps, challenges, met) => {
    expect(evaluateChallenges(script(steps), challenges, rules).met).toBe(met);
  });

  it('needs each challenge within its window after the previous one', () => {
    const slowTurn: Array<number | 'o'> = [0, 0, 0, ...Array<number>(50).fill(0), 12, 0, 0, 0];
    const r = evaluateChallenges(script(slowTurn), ['TURN_LEFT'], rules);
    expect(r.met).toBe(false);
    expect(r.trace[0].detail).toMatch(/too late/);
    expect(evaluateChallenges(script(slowTurn), ['TURN_LEFT'], { ...rules, challengeWindowMs: 10_000 }).met).toBe(true);
  });

  it('traces when each challenge was met', () => {
    const r = evaluateChallenges(script(['o', 'o', 'h', 'c', 'o', 'o', 0, 10, 0, 0, 0]), ['BLINK', 'TURN_LEFT'], rules);
    expect(r.trace.map((t) => [t.challenge, t.met, t.atMs])).toEqual([
      ['BLINK', true, 500],
      ['TURN_LEFT', true, 875],
    ]);
  });
});
