import type { DbOrTx } from '../platform/db/database.js';
import type { RegistrationsTable } from '../platform/db/schema.js';
import type { Selectable } from 'kysely';
import type { RegistrationState } from './registration.rules.js';

export type RegistrationRow = Selectable<RegistrationsTable>;

export async function insertRegistration(
  conn: DbOrTx,
  r: { id: string; tokenHash: Buffer; phone: string; language: string; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('registrations')
    .values({
      id: r.id,
      token_hash: r.tokenHash,
      state: 'AWAITING_OTP',
      phone: r.phone,
      language: r.language,
      created_at: r.now,
      updated_at: r.now,
      expires_at: r.expiresAt,
    })
    .execute();
}

export async function findRegistration(conn: DbOrTx, id: string, options: { forUpdate?: boolean } = {}): Promise<RegistrationRow | undefined> {
  let q = conn.selectFrom('registrations').selectAll().where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function touchRegistration(conn: DbOrTx, id: string, now: Date, expiresAt: Date): Promise<void> {
  await conn.updateTable('registrations').set({ updated_at: now, expires_at: expiresAt }).where('id', '=', id).execute();
}

/** Moves the state only if it is still `from`; returns false when another request moved it first. */
export async function transition(
  conn: DbOrTx,
  id: string,
  from: RegistrationState,
  to: RegistrationState,
  changes: Partial<{ iin: string; masked_name: string; completed_at: Date; rejection_reason: string | null }>,
  now: Date,
): Promise<boolean> {
  const result = await conn
    .updateTable('registrations')
    .set({ ...changes, state: to, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function hasDigitalProfile(conn: DbOrTx, iin: string): Promise<boolean> {
  const row = await conn.selectFrom('digital_profiles').select('id').where('iin', '=', iin).executeTakeFirst();
  return row !== undefined;
}

export async function insertDigitalProfile(
  conn: DbOrTx,
  p: { id: string; iin: string; phone: string; registrationId: string; method: 'video_check' | 'moderator'; now: Date },
): Promise<void> {
  await conn
    .insertInto('digital_profiles')
    .values({ id: p.id, iin: p.iin, phone: p.phone, registration_id: p.registrationId, verification_method: p.method, created_at: p.now })
    .execute();
}
