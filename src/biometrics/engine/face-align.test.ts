import { describe, expect, it } from 'vitest';
import { applyAffine, ARCFACE_112, eyeLineAngle, invertAffine, similarityTransform, templateFor, warpAffineRgb, type Point2 } from './face-align.js';
import { boxCropTransform } from './face-descriptors.js';

const close = (a: Point2, b: Point2, digits = 6) => {
  expect(a[0]).toBeCloseTo(b[0], digits);
  expect(a[1]).toBeCloseTo(b[1], digits);
};

describe('face alignment', () => {
  it('recovers the rotation, scale and shift that moved the five points (a turned, smaller face lands on the template)', () => {
    const angle = (20 * Math.PI) / 180;
    const moved = ARCFACE_112.map(([x, y]) => [0.6 * (Math.cos(angle) * x - Math.sin(angle) * y) + 300, 0.6 * (Math.sin(angle) * x + Math.cos(angle) * y) + 40] as Point2);
    const toTemplate = similarityTransform(moved, ARCFACE_112);
    moved.forEach((p, i) => close(applyAffine(toTemplate, p), ARCFACE_112[i]));
    const back = invertAffine(toTemplate);
    ARCFACE_112.forEach((p, i) => close(applyAffine(back, p), moved[i]));
    expect(eyeLineAngle(moved)).toBeCloseTo(20 - 0.32, 0);
  });

  it('frames a looser template around the same centre', () => {
    const loose = templateFor(224, 2);
    // twice the size, half as tight: the same pixel distances, shifted to the larger crop's centre
    expect(loose[1][0] - loose[0][0]).toBeCloseTo(ARCFACE_112[1][0] - ARCFACE_112[0][0], 6);
    expect((loose[0][0] + loose[1][0]) / 2).toBeCloseTo(112 + ((ARCFACE_112[0][0] + ARCFACE_112[1][0]) / 2 - 56), 6);
  });

  it('samples the crop bilinearly and pads outside the image with black', () => {
    // 2×1 image: red, then blue
    const image = { data: Uint8Array.from([255, 0, 0, 0, 0, 255]), width: 2, height: 1 };
    const identity = warpAffineRgb(image, [1, 0, 0, 0, 1, 0], 3, 1);
    expect(Array.from(identity)).toEqual([255, 0, 0, 0, 0, 255, 0, 0, 0]);
    const half = warpAffineRgb(image, [1, 0, 0.5, 0, 1, 0], 1, 1);
    expect(Array.from(half)).toEqual([127.5, 0, 127.5]);
  });

  it('turns a box crop about its centre (level eyes) and keeps it as is at angle 0', () => {
    expect(boxCropTransform([10, 20, 30, 40], 0)).toEqual([1, -0, 10, 0, 1, 20]);
    const turned = boxCropTransform([0, 0, 10, 10], Math.PI / 2);
    close(applyAffine(turned, [5, 5]), [5, 5]);
    close(applyAffine(turned, [10, 5]), [5, 10]);
  });
});
