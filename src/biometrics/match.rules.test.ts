import { describe, expect, it } from 'vitest';
import { assessReference, joinTemplate, probeSimilarity, ratesAtFmr, referenceProblems, templateSimilarity, type FacePipeline, type ReferenceMeasures } from './match.rules.js';

const fused: FacePipeline = {
  version: 'test/fusion',
  parts: [
    { variant: 'faceapi-box', dims: 2, weight: 0.75 },
    { variant: 'mobilefacenet', dims: 3, weight: 0.25 },
  ],
};

const good: ReferenceMeasures = { width: 360, height: 480, faces: 1, faceHeight: 220, eyeDistance: 70, sharpness: 120, brightness: 130, yaw: 2 };

describe('templates and score fusion', () => {
  it('joins L2-normalised parts and scores the weighted mean of the parts’ cosines', () => {
    const a = joinTemplate([[3, 4], [0, 0, 2]]);
    [0.6, 0.8, 0, 0, 1].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
    expect(templateSimilarity(a, a, fused)).toBeCloseTo(1);
    // first part identical (cos 1), second orthogonal (cos 0): 0.75·1 + 0.25·0
    const b = joinTemplate([[3, 4], [1, 0, 0]]);
    expect(templateSimilarity(a, b, fused)).toBeCloseTo(0.75);
    // opposite first part (cos −1), same second (cos 1)
    const c = joinTemplate([[-3, -4], [0, 0, 5]]);
    expect(templateSimilarity(a, c, fused)).toBeCloseTo(-0.5);
  });

  it('never compares templates of another layout (another pipeline): null, not a low score', () => {
    expect(templateSimilarity(joinTemplate([[1, 0]]), joinTemplate([[3, 4], [0, 0, 2]]), fused)).toBeNull();
  });

  it('fuses a check’s best frames before comparing them with the reference', () => {
    const ref = joinTemplate([[1, 0], [0, 1, 0]]);
    const frames = [joinTemplate([[1, 0.2], [0, 1, 0.2]]), joinTemplate([[1, -0.2], [0, 1, -0.2]])];
    // the two frames' errors cancel out in the mean
    expect(probeSimilarity(frames, ref, fused)).toBeCloseTo(1, 6);
    expect(probeSimilarity([], ref, fused)).toBeNull();
  });
});

describe('threshold from the impostor distribution', () => {
  it('puts the zero-FMR threshold just above the highest impostor and counts the genuine pairs below it', () => {
    const impostor = [0.1, 0.35, 0.62, 0.2];
    const genuine = [0.9, 0.7, 0.6, 0.62];
    const r = ratesAtFmr(genuine, impostor, 0);
    expect(r.threshold).toBeGreaterThan(0.62);
    expect(r.threshold).toBeLessThan(0.6201);
    expect(r.fmr).toBe(0);
    expect(r.fnmr).toBe(0.5);
    // one impostor in four allowed: the next one down
    expect(ratesAtFmr(genuine, impostor, 0.25)).toMatchObject({ fmr: 0.25, fnmr: 0 });
  });
});

describe('reference photo quality', () => {
  it.each([
    ['a sharp, large face', good, []],
    ['no face', { ...good, faces: 0, eyeDistance: 0, sharpness: 0 }, ['NO_FACE']],
    ['a face too small to compare', { ...good, eyeDistance: 28 }, ['FACE_TOO_SMALL']],
    ['a blurred face', { ...good, sharpness: 36 }, ['BLURRY']],
    ['a small, blurred face', { ...good, eyeDistance: 12, sharpness: 3 }, ['FACE_TOO_SMALL', 'BLURRY']],
  ] as const)('%s → %j', (_name, measures, problems) => {
    expect(referenceProblems(measures)).toEqual(problems);
  });

  it('hands out a template only for a usable photo; otherwise the problems and the measures go to the moderator', () => {
    expect(assessReference({ template: [1, 0], measures: good })).toEqual({ template: [1, 0] });
    expect(assessReference({ template: [1, 0], measures: { ...good, sharpness: 1 } })).toEqual({ template: null, problems: ['BLURRY'], measures: { ...good, sharpness: 1 } });
    expect(assessReference({ template: null, measures: { ...good, faces: 0 } })).toMatchObject({ template: null, problems: ['NO_FACE'] });
  });
});
