import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.js';
import { createFaceDescriber } from './face-describer.js';
import { cosineSimilarity } from './match.rules.js';

const config = loadConfig({ NODE_ENV: 'test', FACE_DATA_DIR: process.env.FACE_DATA_DIR ?? '../shared/faces' });
const photos = path.join(config.faceDataDir, 'registry', 'photos');
const have = fs.existsSync(photos);
if (!have) console.warn(`face-describer test skipped: no face data at ${config.faceDataDir} (set FACE_DATA_DIR)`);

describe.skipIf(!have)('face describer for the registry import', { timeout: 120_000 }, () => {
  const describer = createFaceDescriber(config);
  afterAll(() => describer.close());

  it('describes a reference photo with a 128-d descriptor, and gives null for bytes that are no face photo', async () => {
    const d9 = await describer.describeFace(fs.readFileSync(path.join(photos, 'd9.jpg')));
    const d12 = await describer.describeFace(fs.readFileSync(path.join(photos, 'd12.jpg')));
    expect(d9).toBeInstanceOf(Float32Array);
    expect(d9!.length).toBe(128);
    expect(cosineSimilarity(d9!, d9!)).toBeCloseTo(1);
    expect(cosineSimilarity(d9!, d12!)).toBeLessThan(config.videoCheck.matchThreshold);
    expect(await describer.describeFace(Buffer.from('not a jpeg'))).toBeNull();
  });
});
