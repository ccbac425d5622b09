// The only place that reads and writes the embedded registry tables (registry_persons, bmg_bindings).
// Photos and face descriptors are stored AES-256-GCM encrypted with the IIN as context, so a blob
// copied onto another person's row does not decrypt.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import { decrypt, encrypt } from '../platform/crypto.js';
import type { RegistryPerson } from './registry.gateway.js';

export interface PersonData {
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  sex: 'M' | 'F';
}

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

export async function findPhoto(db: DbOrTx, key: Buffer, iin: string): Promise<Buffer | null> {
  const row = await db.selectFrom('registry_persons').select('photo_encrypted').where('iin', '=', iin).executeTakeFirst();
  return row?.photo_encrypted ? decrypt(key, row.photo_encrypted, iin) : null;
}

export async function findDescriptor(db: DbOrTx, key: Buffer, iin: string): Promise<Float32Array | null> {
  const row = await db.selectFrom('registry_persons').select('descriptor_encrypted').where('iin', '=', iin).executeTakeFirst();
  return row?.descriptor_encrypted ? bytesToDescriptor(decrypt(key, row.descriptor_encrypted, iin)) : null;
}

/** Inserts or updates a person; photo/descriptor undefined = keep what is stored. Returns whether the person was new. */
export async function upsertPerson(
  db: DbOrTx,
  key: Buffer,
  person: PersonData,
  extras: { photo?: Buffer; descriptor?: Float32Array | null } = {},
): Promise<'created' | 'updated'> {
  const photo = extras.photo ? encrypt(key, extras.photo, person.iin) : undefined;
  // A new photo invalidates a descriptor computed from the old one.
  const descriptor =
    extras.descriptor !== undefined
      ? extras.descriptor && encrypt(key, descriptorToBytes(extras.descriptor), person.iin)
      : photo
        ? null
        : undefined;
  const values = {
    last_name: person.lastName,
    first_name: person.firstName,
    middle_name: person.middleName,
    birth_date: person.birthDate,
    sex: person.sex,
    ...(photo !== undefined ? { photo_encrypted: photo } : {}),
    ...(descriptor !== undefined ? { descriptor_encrypted: descriptor } : {}),
  };
  const row = await db
    .insertInto('registry_persons')
    .values({ iin: person.iin, ...values, updated_at: sql`now()` as any })
    .onConflict((oc) => oc.column('iin').doUpdateSet({ ...values, updated_at: sql`now()` as any }))
    // xmax = 0 only for a freshly inserted row version: tells an insert from an update in one statement.
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow();
  return row.inserted ? 'created' : 'updated';
}

export async function saveDescriptor(db: DbOrTx, key: Buffer, iin: string, descriptor: Float32Array): Promise<boolean> {
  const result = await db
    .updateTable('registry_persons')
    .set({ descriptor_encrypted: encrypt(key, descriptorToBytes(descriptor), iin) })
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

/** Binds a phone to an IIN, replacing any earlier owner of the phone. */
export async function upsertBinding(db: DbOrTx, phone: string, iin: string): Promise<'created' | 'updated' | 'unchanged'> {
  const before = await findBinding(db, phone);
  if (before?.iin === iin) return 'unchanged';
  await db
    .insertInto('bmg_bindings')
    .values({ phone, iin, updated_at: sql`now()` as any })
    .onConflict((oc) => oc.column('phone').doUpdateSet({ iin, updated_at: sql`now()` as any }))
    .execute();
  return before ? 'updated' : 'created';
}

export async function countPersons(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('registry_persons').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

function descriptorToBytes(descriptor: Float32Array): Buffer {
  const out = Buffer.alloc(descriptor.length * 4);
  descriptor.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

function bytesToDescriptor(bytes: Buffer): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
