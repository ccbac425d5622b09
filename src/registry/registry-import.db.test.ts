// Importing citizens into the embedded registry: all-or-nothing, re-import updates, photos checked
// and encrypted, the descriptor hook, and the demo seed on first start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadConfig, randomKey } from '../platform/config.js';
import { decrypt } from '../platform/crypto.js';
import { createLogger } from '../platform/logging.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { makeJpeg, makePng } from '../../test/support/jpeg.js';
import { EmbeddedRegistryGateway } from './embedded-registry.gateway.js';
import { RegistryImportService } from './registry-import.service.js';
import { seedDemoRegistry } from './demo-seed.js';

const HEADER = 'iin,phone,last_name,first_name,middle_name,birth_date,sex,photo';
const ASKAR = '880312311013,+77011234501,Серікбаев,Асқар,Нұрланұлы,1988-03-12,M';
const AIGERIM = '930725411027,+77051234502,Ахметова,Айгерім,Болатқызы,1993-07-25,F';
const DANA = '961104411039,+77071234503,Жұмабаева,Дана,Ерланқызы,1996-11-04,F';

let database: TestDatabase;
let dir: string;
let photoA: Buffer;
let photoB: Buffer;
const key = randomKey();
const silent = createLogger('silent');

beforeAll(async () => {
  database = await openTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-import-'));
  photoA = await makeJpeg({ colour: { r: 200, g: 150, b: 120 } });
  photoB = await makeJpeg({ colour: { r: 90, g: 60, b: 40 } });
  fs.mkdirSync(path.join(dir, 'photos'));
  fs.writeFileSync(path.join(dir, 'photos', 'a.jpg'), photoA);
  fs.writeFileSync(path.join(dir, 'photos', 'b.jpg'), photoB);
  fs.writeFileSync(path.join(dir, 'photos', 'png.jpg'), await makePng());
  fs.writeFileSync(path.join(dir, 'photos', 'truncated.jpg'), photoA.subarray(0, Math.floor(photoA.length / 2)));
  fs.writeFileSync(path.join(dir, 'photos', 'tiny.jpg'), await makeJpeg({ width: 40, height: 40 }));
});

afterAll(async () => {
  await database?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => database.truncate('registry_persons', 'bmg_bindings'));

function csv(name: string, lines: string[], eol = '\n'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, [HEADER, ...lines].join(eol) + eol);
  return file;
}

async function counts() {
  const persons = await database.db.selectFrom('registry_persons').select(['iin']).execute();
  const bindings = await database.db.selectFrom('bmg_bindings').select(['phone', 'iin']).orderBy('phone').execute();
  return { persons: persons.length, bindings };
}

const service = () => new RegistryImportService(database.db, key);
const gateway = () => new EmbeddedRegistryGateway(database.db, key);

describe(`citizens import (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('imports persons, BMG bindings and photos and counts them', async () => {
    const file = csv('ok.csv', [`${ASKAR},photos/a.jpg`, `${AIGERIM},`, `${DANA},photos/b.jpg`], '\r\n');
    const outcome = await service().importFile(file);
    expect(outcome).toEqual({
      ok: true,
      summary: { persons: { created: 3, updated: 0 }, bindings: { created: 3, updated: 0, unchanged: 0 }, photos: 2, descriptors: 0 },
    });
    expect(await gateway().findPerson('930725411027')).toMatchObject({ lastName: 'Ахметова', middleName: 'Болатқызы', hasPhoto: false });
    expect((await gateway().getReferencePhoto('880312311013'))?.equals(photoA)).toBe(true);
    expect(await gateway().isPhoneBoundToIin('+77071234503', '961104411039')).toBe(true);
  });

  it('stores the photo encrypted and bound to the IIN', async () => {
    await service().importFile(csv('enc.csv', [`${ASKAR},photos/a.jpg`]));
    const row = await database.db.selectFrom('registry_persons').select('photo_encrypted').where('iin', '=', '880312311013').executeTakeFirstOrThrow();
    expect(row.photo_encrypted!.includes(photoA.subarray(0, 64))).toBe(false);
    expect(decrypt(key, row.photo_encrypted!, '880312311013').equals(photoA)).toBe(true);
    expect(() => decrypt(key, row.photo_encrypted!, '930725411027')).toThrow();
  });

  it('imports nothing when one row is bad, and reports each problem with its line number', async () => {
    const file = csv('bad.csv', [`${ASKAR},photos/a.jpg`, '930725411020,+77051234502,Ахметова,Айгерім,,1993-07-25,F,', `${DANA},photos/missing.jpg`]);
    const outcome = await service().importFile(file);
    expect(outcome).toEqual({
      ok: false,
      problems: [
        { line: 3, field: 'iin', reason: 'check digit does not match' },
        { line: 4, field: 'photo', reason: 'missing.jpg does not exist' },
      ],
    });
    expect(await counts()).toEqual({ persons: 0, bindings: [] });
  });

  it('rolls every row back when the database refuses one in the middle of the import', async () => {
    await sql`CREATE FUNCTION test_refuse_dana() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.iin = '961104411039' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$`.execute(database.db);
    await sql`CREATE TRIGGER test_refuse_dana BEFORE INSERT ON registry_persons FOR EACH ROW EXECUTE FUNCTION test_refuse_dana()`.execute(database.db);
    try {
      await expect(service().importFile(csv('mid.csv', [`${ASKAR},photos/a.jpg`, `${AIGERIM},`, `${DANA},`]))).rejects.toThrow(/refused by test trigger/);
      expect(await counts()).toEqual({ persons: 0, bindings: [] });
    } finally {
      await sql`DROP TRIGGER test_refuse_dana ON registry_persons`.execute(database.db);
      await sql`DROP FUNCTION test_refuse_dana()`.execute(database.db);
    }
  });

  it.each([
    ['a missing file', 'photos/missing.jpg', /does not exist/],
    ['a PNG named .jpg', 'photos/png.jpg', /not a JPEG/],
    ['a truncated JPEG', 'photos/truncated.jpg', /damaged/],
    ['a photo too small for a face', 'photos/tiny.jpg', /smaller than/],
    ['a folder', 'photos', /not a file/],
  ])('refuses %s as a photo and imports nothing', async (_name, photo, reason) => {
    const file = csv('photo.csv', [`${AIGERIM},`, `${ASKAR},${photo}`]);
    const outcome = await service().importFile(file);
    expect(outcome).toEqual({ ok: false, problems: [{ line: 3, field: 'photo', reason: expect.stringMatching(reason) }] });
    expect((await counts()).persons).toBe(0);
  });

  it('re-import updates names, moves a phone to its new owner and keeps a photo the row leaves empty', async () => {
    await service().importFile(csv('v1.csv', [`${ASKAR},photos/a.jpg`, `${AIGERIM},`]));
    const outcome = await service().importFile(
      csv('v2.csv', [
        '880312311013,+77011234501,Серікбаев,Асқар,Нұрланұлы,1988-03-12,M,',
        '930725411027,+77771234599,Ахметова-Ким,Айгерім,Болатқызы,1993-07-25,F,photos/b.jpg',
        '961104411039,+77051234502,Жұмабаева,Дана,,1996-11-04,F,',
      ]),
    );
    expect(outcome).toEqual({
      ok: true,
      summary: { persons: { created: 1, updated: 2 }, bindings: { created: 1, updated: 1, unchanged: 1 }, photos: 1, descriptors: 0 },
    });
    expect((await gateway().getReferencePhoto('880312311013'))?.equals(photoA)).toBe(true);
    expect((await gateway().getReferencePhoto('930725411027'))?.equals(photoB)).toBe(true);
    expect(await gateway().findPerson('930725411027')).toMatchObject({ lastName: 'Ахметова-Ким', hasPhoto: true });
    expect((await counts()).bindings).toEqual([
      { phone: '+77011234501', iin: '880312311013' },
      { phone: '+77051234502', iin: '961104411039' },
      { phone: '+77771234599', iin: '930725411027' },
    ]);
  });

  it('stores the face descriptor from the describeFace hook, encrypted with its pipeline version, and drops it when the photo changes', async () => {
    const descriptor = Float32Array.from([0.25, -1.5, 3.125]);
    const seen: Buffer[] = [];
    const outcome = await service().importFile(csv('desc.csv', [`${ASKAR},photos/a.jpg`, `${AIGERIM},`]), {
      faces: {
        version: 'test/1',
        describeFace: async (jpeg) => {
          seen.push(jpeg);
          return descriptor;
        },
      },
    });
    expect(outcome).toMatchObject({ ok: true, summary: { descriptors: 1 } });
    expect(seen.length).toBe(1);
    expect(seen[0].equals(photoA)).toBe(true);
    expect(await gateway().getReferenceDescriptor('880312311013', 'test/1')).toEqual(descriptor);
    // A descriptor of another pipeline version is never handed out for comparison.
    expect(await gateway().getReferenceDescriptor('880312311013', 'test/2')).toBeNull();

    await service().importFile(csv('desc2.csv', [`${ASKAR},photos/b.jpg`]));
    expect(await gateway().getReferenceDescriptor('880312311013', 'test/1')).toBeNull();
  });

  it('imports nothing when the face of a photo cannot be described', async () => {
    const outcome = await service().importFile(csv('desc-fail.csv', [`${AIGERIM},`, `${ASKAR},photos/a.jpg`]), {
      faces: {
        version: 'test/1',
        describeFace: async () => {
          throw new Error('engine failed');
        },
      },
    });
    expect(outcome).toEqual({ ok: false, problems: [{ line: 3, field: 'photo', reason: 'the face could not be described: engine failed' }] });
    expect((await counts()).persons).toBe(0);
  });

  it('reports a file that cannot be read', async () => {
    expect(await service().importFile(path.join(dir, 'nope.csv'))).toEqual({ ok: false, problems: [{ line: 0, reason: expect.stringMatching(/ENOENT/) }] });
  });
});

describe(`demo seed (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  const configFor = (faceDataDir: string) => ({ ...loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, FACE_DATA_DIR: faceDataDir }), encryptionKey: key });

  it('imports the citizens file of FACE_DATA_DIR into an empty registry, once', async () => {
    const faces = path.join(dir, 'faces');
    fs.mkdirSync(path.join(faces, 'registry', 'photos'), { recursive: true });
    fs.writeFileSync(path.join(faces, 'registry', 'photos', 'a.jpg'), photoA);
    fs.writeFileSync(path.join(faces, 'registry', 'citizens.csv'), `\uFEFF${HEADER}\r\n${ASKAR},photos/a.jpg\r\n${AIGERIM},\r\n`);
    await seedDemoRegistry(database.db, configFor(faces), silent);
    expect((await counts()).persons).toBe(2);
    expect((await gateway().getReferencePhoto('880312311013'))?.equals(photoA)).toBe(true);

    await database.db.deleteFrom('registry_persons').where('iin', '=', '930725411027').execute();
    await seedDemoRegistry(database.db, configFor(faces), silent);
    expect((await counts()).persons).toBe(1);
  });

  it('falls back to built-in citizens without photos when there is no citizens file', async () => {
    await seedDemoRegistry(database.db, configFor(path.join(dir, 'no-faces-here')), silent);
    const { persons, bindings } = await counts();
    expect(persons).toBeGreaterThanOrEqual(5);
    expect(bindings.length).toBeGreaterThanOrEqual(5);
    expect(await gateway().isPhoneBoundToIin('+77011230001', '790402320012')).toBe(true);
    expect(await gateway().findPerson('790402320012')).toMatchObject({ lastName: 'Қасымов', hasPhoto: false });
  });

  it('seeds nothing in production or when the registry is reached over http', async () => {
    const none = path.join(dir, 'no-faces-here');
    await seedDemoRegistry(database.db, { ...configFor(none), env: 'production' }, silent);
    await seedDemoRegistry(database.db, { ...configFor(none), registry: { provider: 'http', url: 'http://127.0.0.1:9', timeoutMs: 1000 } }, silent);
    expect((await counts()).persons).toBe(0);
  });

  it('logs only masked identifiers', async () => {
    const lines: string[] = [];
    const { default: pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    await seedDemoRegistry(database.db, configFor(path.join(dir, 'no-faces-here')), logger);
    const text = lines.join('');
    expect(text).toContain('7904******12');
    expect(text).not.toContain('790402320012');
    expect(text).not.toContain('+77011230001');
  });
});
