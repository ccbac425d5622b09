// The only place that reads and writes the embedded registry tables (registry_persons, bmg_bindings).
// Photos and face descriptors are stored AES-256-GCM encrypted with the IIN as context, so a blob
// copied onto another person's row does not decrypt.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import { decrypt, encrypt } from '../platform/crypto.js';
import type { RegistryPerson } from './registry.gateway.js';
import { bytesToTemplate, templateToBytes } from '../biometrics/match.rules.js';

export type PersonData = Omit<RegistryPerson, 'hasPhoto'>;

export async function findPerson(db: DbOrTx, iin: string): Promise<RegistryPerson | null> {
  const row = await db
    .selectFrom('registry_persons')
    .select(['iin', 'last_name', 'first_name', 'middle_name', 'birth_date', 'sex', sql<boolean>`photo_encrypted is not null`.as('has_photo')])
    .where('iin', '=', iin)
    .executeTakeFirst();
  if (!row) return null;
  return {
    iin: row.iin,
    lastName: row.last_name,
    firstName: row.first_name,
    middleName: row.middle_name,
    birthDate: row.birth_date,
    sex: row.sex,
    hasPhoto: row.has_photo,
  };
}

/**
 * The person and whether BMG binds `phone` to them, in one statement; null when the IIN is unknown.
 * The SQL function (migration 0021) is also what a step asks inside its own statement (iin_step).
 */
export async function findPersonAndBinding(db: DbOrTx, iin: string, phone: string): Promise<{ person: RegistryPerson; boundToPhone: boolean } | null> {
  const { rows } = await sql<{ iin: string; last_name: string; first_name: string; middle_name: string | null; birth_date: string; sex: 'M' | 'F'; has_photo: boolean; bound: boolean }>`
    select * from registry_check_person(${iin}, ${phone})`.execute(db);
  const row = rows[0];
  if (!row) return null;
  return {
    person: { iin: row.iin, lastName: row.last_name, firstName: row.first_name, middleName: row.middle_name, birthDate: row.birth_date, sex: row.sex, hasPhoto: row.has_photo },
    boundToPhone: row.bound,
  };
}

export async function findPhoto(db: DbOrTx, key: Buffer, iin: string): Promise<Buffer | null> {
  const row = await db.selectFrom('registry_persons').select('photo_encrypted').where('iin', '=', iin).executeTakeFirst();
  return row?.photo_encrypted ? decrypt(key, row.photo_encrypted, iin) : null;
}

/** The stored face descriptor when it was computed by the given pipeline version; null otherwise. */
export async function findDescriptor(db: DbOrTx, key: Buffer, iin: string, version: string): Promise<Float32Array | null> {
  const row = await db.selectFrom('registry_persons').select(['descriptor_encrypted', 'descriptor_version']).where('iin', '=', iin).executeTakeFirst();
  return row?.descriptor_encrypted && row.descriptor_version === version ? bytesToTemplate(decrypt(key, row.descriptor_encrypted, iin)) : null;
}

/** Inserts or updates one person (see upsertPersons); returns whether the person was new. */
export async function upsertPerson(
  db: DbOrTx,
  key: Buffer,
  person: PersonData,
  extras: { photo?: Buffer; descriptor?: Float32Array | null; descriptorVersion?: string | null } = {},
): Promise<'created' | 'updated'> {
  const counts = await upsertPersons(db, key, [{ ...person, photo: extras.photo ?? null, descriptor: extras.descriptor ?? null, descriptorVersion: extras.descriptorVersion ?? null }]);
  return counts.created > 0 ? 'created' : 'updated';
}

/** Rows per statement in batch writes: well under PostgreSQL's 65535 bind parameters. */
const BATCH = 500;

export interface PersonWrite extends PersonData {
  photo: Buffer | null;
  descriptor: Float32Array | null;
  /** Pipeline version of the descriptor. */
  descriptorVersion: string | null;
}

/**
 * Inserts or updates many persons, a statement per batch. A person written without a photo keeps the
 * stored photo and descriptor; a new photo replaces the descriptor with the given one (or none).
 */
export async function upsertPersons(db: DbOrTx, key: Buffer, persons: PersonWrite[]): Promise<{ created: number; updated: number }> {
  const counts = { created: 0, updated: 0 };
  for (let i = 0; i < persons.length; i += BATCH) {
    const rows = persons.slice(i, i + BATCH).map((p) => ({
      iin: p.iin,
      last_name: p.lastName,
      first_name: p.firstName,
      middle_name: p.middleName,
      birth_date: p.birthDate,
      sex: p.sex,
      photo_encrypted: p.photo ? encrypt(key, p.photo, p.iin) : null,
      descriptor_encrypted: p.photo && p.descriptor ? encrypt(key, templateToBytes(p.descriptor), p.iin) : null,
      descriptor_version: p.photo && p.descriptor ? p.descriptorVersion : null,
      updated_at: sql`now()` as any,
    }));
    const result = await db
      .insertInto('registry_persons')
      .values(rows)
      .onConflict((oc) =>
        oc.column('iin').doUpdateSet((eb) => ({
          last_name: eb.ref('excluded.last_name'),
          first_name: eb.ref('excluded.first_name'),
          middle_name: eb.ref('excluded.middle_name'),
          birth_date: eb.ref('excluded.birth_date'),
          sex: eb.ref('excluded.sex'),
          photo_encrypted: sql`coalesce(excluded.photo_encrypted, registry_persons.photo_encrypted)`,
          descriptor_encrypted: sql`case when excluded.photo_encrypted is null then registry_persons.descriptor_encrypted else excluded.descriptor_encrypted end`,
          descriptor_version: sql`case when excluded.photo_encrypted is null then registry_persons.descriptor_version else excluded.descriptor_version end`,
          updated_at: sql`now()`,
        })),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    for (const r of result) counts[r.inserted ? 'created' : 'updated']++;
  }
  return counts;
}

/** Binds many phones (each phone at most once in the list), moving phones from earlier owners. */
export async function upsertBindings(db: DbOrTx, bindings: Array<{ phone: string; iin: string }>): Promise<{ created: number; updated: number; unchanged: number }> {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < bindings.length; i += BATCH) {
    const chunk = bindings.slice(i, i + BATCH);
    const existing = await db.selectFrom('bmg_bindings').select(['phone', 'iin']).where('phone', 'in', chunk.map((b) => b.phone)).execute();
    const owner = new Map(existing.map((b) => [b.phone, b.iin]));
    const changed = chunk.filter((b) => {
      const before = owner.get(b.phone);
      counts[before === undefined ? 'created' : before === b.iin ? 'unchanged' : 'updated']++;
      return before !== b.iin;
    });
    if (changed.length === 0) continue;
    await db
      .insertInto('bmg_bindings')
      .values(changed.map((b) => ({ phone: b.phone, iin: b.iin, updated_at: sql`now()` as any })))
      .onConflict((oc) => oc.column('phone').doUpdateSet((eb) => ({ iin: eb.ref('excluded.iin'), updated_at: sql`now()` })))
      .execute();
  }
  return counts;
}

export async function saveDescriptor(db: DbOrTx, key: Buffer, iin: string, descriptor: Float32Array, version: string): Promise<boolean> {
  const result = await db
    .updateTable('registry_persons')
    .set({ descriptor_encrypted: encrypt(key, templateToBytes(descriptor), iin), descriptor_version: version })
    .where('iin', '=', iin)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findBinding(db: DbOrTx, phone: string): Promise<{ phone: string; iin: string } | null> {
  const row = await db.selectFrom('bmg_bindings').select(['phone', 'iin']).where('phone', '=', phone).executeTakeFirst();
  return row ?? null;
}

export async function findPhonesOfIin(db: DbOrTx, iin: string): Promise<string[]> {
  const rows = await db.selectFrom('bmg_bindings').select('phone').where('iin', '=', iin).orderBy('phone').execute();
  return rows.map((r) => r.phone);
}

export async function countPersons(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('registry_persons').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

