// The registry command-line tools run as real processes (npx tsx …) against a fresh database: PGlite
// in a temp DATA_DIR, or a new PostgreSQL database when DATABASE_URL is set.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/platform/db/database.js';
import { CLI_TEST_TIMEOUT, useCliDatabase } from '../support/cli-run.js';
import { makeJpeg } from '../support/jpeg.js';

const faceDataDir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
const sharedCsv = path.join(faceDataDir, 'registry', 'citizens.csv');
const haveFaces = fs.existsSync(sharedCsv);
// What the shared file holds (it grows over time): data rows, and those that name a photo.
const sharedRows = haveFaces
  ? fs.readFileSync(sharedCsv, 'utf8').split(/\r?\n/).slice(1).filter((line) => line.trim() !== '').map((line) => line.split(','))
  : [];
const sharedPersons = sharedRows.length;
const sharedPhotos = sharedRows.filter((cells) => (cells[7] ?? '').trim() !== '').length;
if (!haveFaces) console.warn(`registry CLI: ${sharedCsv} is absent, so the import of the shared demo citizens is skipped`);

const cli = useCliDatabase('registry-cli-', { FACE_DATA_DIR: faceDataDir });
const inspect = <T>(read: (db: Db) => Promise<T>): Promise<T> => cli.inspect((database) => read(database.db));

const personCount = (db: Db) =>
  db
    .selectFrom('registry_persons')
    .select((eb) => [eb.fn.countAll<string>().as('persons'), eb.fn.count<string>('photo_encrypted').as('photos')])
    .executeTakeFirstOrThrow()
    .then((r) => ({ persons: Number(r.persons), photos: Number(r.photos) }));

describe(`registry command-line tools (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it.skipIf(!haveFaces)(
    `registry:import loads the shared demo citizens, then a second run updates them${haveFaces ? '' : ` (skipped: ${faceDataDir} absent)`}`,
    async () => {
      const first = await cli.run('registry-import', '--file', sharedCsv);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(sharedPhotos).toBeGreaterThan(0);
      expect(first.stdout).toContain(`persons: ${sharedPersons} imported, 0 updated`);
      expect(first.stdout).toContain(`photos stored: ${sharedPhotos}`);
      expect(await inspect(personCount)).toEqual({ persons: sharedPersons, photos: sharedPhotos });

      const second = await cli.run('registry-import', '--file', sharedCsv);
      expect(second.status).toBe(0);
      expect(second.stdout).toContain(`persons: 0 imported, ${sharedPersons} updated`);
      expect(second.stdout).toContain(`${sharedPersons} unchanged`);
    },
    CLI_TEST_TIMEOUT,
  );

  it('registry:import rejects a file with a bad row, names the line, imports nothing and exits non-zero', async () => {
    const before = await inspect(personCount);
    const file = path.join(cli.dir, 'bad.csv');
    fs.writeFileSync(
      file,
      [
        'iin,phone,last_name,first_name,middle_name,birth_date,sex,photo',
        '900515300216,+77471230003,Петров,Сергей,Иванович,1990-05-15,M,',
        '010823600214,+77761230004,Тоқтарова,Әйгерім,,2001-08-23,F,',
        '951207400216,+7 727 123 45 67,Смирнова,Ольга,,1995-12-07,F,',
      ].join('\r\n'),
    );
    const result = await cli.run('registry-import', '--file', file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('2 problem(s); nothing was imported');
    expect(result.stderr).toContain('line 3, iin: check digit does not match');
    expect(result.stderr).toContain('line 4, phone: is not a Kazakhstan mobile number');
    expect(await inspect(personCount)).toEqual(before);
  }, CLI_TEST_TIMEOUT);

  it('registry:import without --file prints the usage and exits 2', async () => {
    const result = await cli.run('registry-import');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Usage: npm run registry:import -- --file');
  }, CLI_TEST_TIMEOUT);

  it('registry:enroll adds one person with birth date and sex from the IIN, a phone and a photo, printing masked identifiers', async () => {
    const photo = path.join(cli.dir, 'me.jpg');
    fs.writeFileSync(photo, await makeJpeg());
    const result = await cli.run('registry-enroll', '--iin', '010823600213', '--phone', '8 776 123 00 04', '--photo', photo, '--first-name', 'Әйгерім');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Enrolled 0108******13');
    expect(result.stdout).toContain('+7776***0004');
    expect(result.stdout).not.toContain('010823600213');
    const person = await inspect((db) =>
      db.selectFrom('registry_persons').select(['first_name', 'last_name', 'birth_date', 'sex']).where('iin', '=', '010823600213').executeTakeFirst(),
    );
    expect(person).toEqual({ first_name: 'Әйгерім', last_name: 'Тестова', birth_date: '2001-08-23', sex: 'F' });
    const binding = await inspect((db) => db.selectFrom('bmg_bindings').select('iin').where('phone', '=', '+77761230004').executeTakeFirst());
    expect(binding).toEqual({ iin: '010823600213' });
  }, CLI_TEST_TIMEOUT);

  it('registry:enroll refuses an IIN with a wrong check digit with exit code 2', async () => {
    const result = await cli.run('registry-enroll', '--iin', '010823600214');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('IIN_CHECKSUM');
  }, CLI_TEST_TIMEOUT);
});
