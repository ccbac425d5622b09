import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.js';
import { createFaceDescriber } from './face-describer.js';
import { FACE_PIPELINE, templateSimilarity } from './match.rules.js';

const config = loadConfig({ NODE_ENV: 'test', FACE_DATA_DIR: process.env.FACE_DATA_DIR ?? '../shared/faces' });
const photos = path.join(config.faceDataDir, 'registry', 'photos');
const have = fs.existsSync(photos);
if (!have) console.warn(`face-describer test skipped: no face data at ${config.faceDataDir} (set FACE_DATA_DIR)`);

describe.skipIf(!have)('reference photos for the registry import and the video check', { timeout: 180_000 }, () => {
  const describer = createFaceDescriber(config);
  afterAll(() => describer.close());
  const photo = (name: string) => fs.readFileSync(path.join(photos, `${name}.jpg`));

  it("describes a reference photo with the pipeline's template, and gives null for bytes that are no face photo", async () => {
    const d9 = await describer.describeFace(photo('d9'));
    const d12 = await describer.describeFace(photo('d12'));
    expect(describer.version).toBe(FACE_PIPELINE.version);
    expect(d9).toBeInstanceOf(Float32Array);
    expect(d9!.length).toBe(FACE_PIPELINE.parts.reduce((n, p) => n + p.dims, 0));
    expect(templateSimilarity(d9!, d9!)).toBeCloseTo(1);
    expect(templateSimilarity(d9!, d12!)).toBeLessThan(config.videoCheck.matchThreshold);
    expect(await describer.describeFace(Buffer.from('not a jpeg'))).toBeNull();
  });

  it('flags a reference photo too small or too blurred to compare, with its measures, instead of describing it', async () => {
    const small = await sharp(photo('d9')).resize({ width: 90 }).jpeg().toBuffer();
    const blurred = await sharp(photo('d9')).blur(6).jpeg().toBuffer();
    const blank = await sharp({ create: { width: 360, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer();
    expect(await describer.describeReference(small)).toMatchObject({ template: null, problems: expect.arrayContaining(['FACE_TOO_SMALL']), measures: { width: 90 } });
    expect(await describer.describeReference(blurred)).toMatchObject({ template: null, problems: ['BLURRY'] });
    expect(await describer.describeReference(blank)).toMatchObject({ template: null, problems: ['NO_FACE'], measures: { faces: 0 } });
    expect(await describer.describeFace(blurred)).toBeNull();
  });
});
