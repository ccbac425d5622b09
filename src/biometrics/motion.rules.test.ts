import { describe, expect, it } from 'vitest';
import { isHeadTurn, shapeMotion, turnImageEvidence, type FrameThumb } from './motion.rules.js';
import { faceShape } from '../../test/support/face-shapes.js';
import { MOTION_POINTS, POINT } from './engine/frame-measures.js';

const W = 64;
const H = 80;
const rules = { minPeripheryToNose: 0.45, maxBackgroundToPeriphery: 0.8 };

/** A textured frame: a head on a textured background (a room); `shift(x, y)` moves content sideways. */
function frame(shift: (x: number, y: number) => number): FrameThumb {
  const data = new Array<number>(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sx = x - shift(x, y);
      const inHead = Math.hypot((sx - 32) / 20, (y - 36) / 26) < 1;
      data[y * W + x] = inHead ? 120 + 60 * Math.sin(sx * 1.3) * Math.cos(y * 0.9) : 100 + 60 * Math.sin(sx * 1.1) * Math.cos(y * 0.7);
    }
  }
  return { width: W, height: H, data };
}

// Mesh points of the frontal frame in pixels of a 640-px-wide frame (10 px per thumbnail pixel).
const points = Object.keys(MOTION_POINTS).map((): [number, number, number] => [320, 360, 0]);
points[POINT.outlineL2] = [140, 330, 60];
points[POINT.outlineR2] = [500, 330, 60];
points[POINT.noseTip] = [320, 380, -25];
points[POINT.forehead] = [320, 150, 0];
points[POINT.chin] = [320, 600, 0];

describe('turn seen in the pixels', () => {
  const frontal = frame(() => 0);

  it('a head that turns changes its outline about as much as its nose, and not the background', () => {
    const inside = (x: number, y: number) => Math.hypot((x - 32) / 22, (y - 36) / 28) < 1;
    const turned = frame((x, y) => (inside(x, y) ? 4 : 0));
    const e = turnImageEvidence(frontal, turned, points, 640)!;
    expect(e.peripheryToNose).toBeGreaterThan(0.45);
    expect(isHeadTurn(e, rules)).toBe(true);
  });

  it('a nose warped against a fixed outline is no head turn', () => {
    const warped = frame((x, y) => 4 * Math.exp(-((x - 32) ** 2 + (y - 38) ** 2) / (2 * 5 * 5)));
    const e = turnImageEvidence(frontal, warped, points, 640)!;
    expect(e.peripheryToNose).toBeLessThan(0.45);
    expect(isHeadTurn(e, rules)).toBe(false);
  });

  it('a photo turned as a whole moves the background too', () => {
    const tilted = frame(() => 5);
    const e = turnImageEvidence(frontal, tilted, points, 640)!;
    expect(e.backgroundToPeriphery).toBeGreaterThan(0.8);
    expect(isHeadTurn(e, rules)).toBe(false);
  });

  it('a change of exposure alone is no motion', () => {
    const brighter: FrameThumb = { ...frontal, data: Array.from(frontal.data, (v) => v + 20) };
    const e = turnImageEvidence(frontal, brighter, points, 640)!;
    expect(e.nose).toBeLessThan(0.5);
    expect(e.periphery).toBeLessThan(0.5);
  });

  it('cannot compare frames of different sizes', () => {
    expect(turnImageEvidence(frontal, { width: 32, height: 40, data: new Array(32 * 40).fill(0) }, points, 640)).toBeNull();
  });
});

describe('face shape motion (passive liveness)', () => {
  const MIN = 0.026;
  const frames = (n: number, move: (k: number) => Parameters<typeof faceShape>[0]) => Array.from({ length: n }, (_, k) => faceShape({ seed: k + 1, ...move(k) }));

  it.each<[string, (k: number) => Parameters<typeof faceShape>[0]]>([
    ['held still', () => ({})],
    ['zoomed in by 18 % and panned', (k) => ({ zoom: 1 + 0.18 * (k / 59), panX: 20 * Math.sin(k / 9), panY: 10 * (k / 59) })],
    ['tilted in the image plane', (k) => ({ roll: 8 * Math.sin(k / 7) })],
  ])('a photo %s keeps its shape (mesh noise only)', (_label, move) => {
    expect(shapeMotion(frames(60, move))!).toBeLessThan(MIN);
  });

  it('a talking face changes its shape', () => {
    expect(shapeMotion(frames(60, (k) => ({ mouth: 12 + 12 * Math.sin(k / 2) })))!).toBeGreaterThanOrEqual(MIN);
  });

  it('a talking face keeps changing its shape while it moves closer', () => {
    expect(shapeMotion(frames(60, (k) => ({ mouth: 12 + 12 * Math.sin(k / 2), zoom: 1 + 0.2 * (k / 59) })))!).toBeGreaterThanOrEqual(MIN);
  });

  it('is not measured on fewer than 6 frames of mesh points', () => {
    expect(shapeMotion(frames(5, () => ({})))).toBeNull();
    expect(shapeMotion([...frames(5, () => ({})), []])).toBeNull();
  });
});
