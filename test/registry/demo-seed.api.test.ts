// The server seeds an empty embedded registry on first start (shared demo citizens when present).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDbKind } from '../support/test-server.js';
import { useTestServer } from '../support/use-test-server.js';

const faceDataDir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
const haveFaces = fs.existsSync(path.join(faceDataDir, 'registry', 'citizens.csv'));

const server = useTestServer({ SEED_DEMO: '1' });

describe(`demo registry on first start (${testDbKind})`, () => {
  it('has demo citizens whose phones are bound in BMG', async () => {
    expect(server.ctx.registry.kind).toBe('embedded');
    // 790402320012 is both in the shared file and among the built-in citizens.
    expect(await server.ctx.registry.findPerson('790402320012')).toMatchObject({ lastName: 'Қасымов', sex: 'M', birthDate: '1979-04-02' });
    expect(await server.ctx.registry.isPhoneBoundToIin('+77011230001', '790402320012')).toBe(true);
  });

  it.skipIf(!haveFaces)(`has the shared citizens with their reference photos${haveFaces ? '' : ` (skipped: ${faceDataDir} absent)`}`, async () => {
    const photo = await server.ctx.registry.getReferencePhoto('880312311013');
    expect(photo?.equals(fs.readFileSync(path.join(faceDataDir, 'registry', 'photos', 'd0.jpg')))).toBe(true);
  });
});
