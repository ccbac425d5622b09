import { describe, expect, it } from 'vitest';
import { applyAffine, ARCFACE_112, dlibChipTemplate, eyeLineAngle, invertAffine, similarityTransform, templateFor, warpAffineRgb, type Point2 } from './face-align.js';
import { boxCropTransform, dlibAlignBox } from './face-descriptors.js';

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

  it('averages the footprint of each pixel when shrinking with antialias, where one sample per pixel aliases', () => {
    // vertical stripes, 1 px wide: white, black, white (3×3), shrunk 3× to one pixel
    const row = [255, 255, 255, 0, 0, 0, 255, 255, 255];
    const stripes = { data: Uint8Array.from([...row, ...row, ...row]), width: 3, height: 3 };
    // one sample at the centre sees only the black stripe; the area average sees two white stripes of three
    expect(warpAffineRgb(stripes, [3, 0, 0, 0, 3, 0], 1, 1)[0]).toBe(0);
    expect(warpAffineRgb(stripes, [3, 0, 0, 0, 3, 0], 1, 1, { antialias: true })[0]).toBeCloseTo(170, 6);
    const image = { data: Uint8Array.from([0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]), width: 4, height: 1 };
    // enlarging: antialias changes nothing
    expect(Array.from(warpAffineRgb(image, [0.5, 0, 0, 0, 1, 0], 8, 1, { antialias: true }))).toEqual(Array.from(warpAffineRgb(image, [0.5, 0, 0, 0, 1, 0], 8, 1)));
  });

  it("puts a dlib chip's eyes level, centred and 35 % of the chip apart; face-api's square box sits around eyes and mouth", () => {
    const t = dlibChipTemplate(150, 0.25);
    expect(t[0][1]).toBeCloseTo(t[1][1], 6);
    // dlib's mean face is centred on its nose line (0.49 of the face width)
    expect((t[0][0] + t[1][0]) / 2).toBeCloseTo(74, 0);
    expect((t[1][0] - t[0][0]) / 150).toBeCloseTo(0.353, 2);
    // a wider padding frames the same face smaller
    expect(dlibChipTemplate(150, 0.5)[1][0] - dlibChipTemplate(150, 0.5)[0][0]).toBeLessThan(t[1][0] - t[0][0]);
    // eyes 40 px apart at y = 100, mouth corners 45 px below
    const box = dlibAlignBox([[80, 100], [120, 100], [100, 125], [85, 145], [115, 145]]);
    const side = Math.floor(Math.hypot(20, 45) / 0.45);
    expect(box).toEqual([Math.floor(100 - side / 2), Math.floor(115 - 0.43 * side), side, side]);
  });
});
