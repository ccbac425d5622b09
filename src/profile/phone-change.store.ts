// SQL of a change of the Digital ID's phone (phone_changes) and the profile's phone itself.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import { isUniqueViolation, PROFILE_PHONE_KEY } from '../platform/db/constraint-errors.js';
import { AppError } from '../platform/errors/app-error.js';

export async function insertPhoneChange(
  conn: DbOrTx,
  c: { id: string; profileId: string; sessionId: string; oldPhone: string; newPhone: string; language: string; clientIp: string; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('phone_changes')
    .values({
      id: c.id,
      profile_id: c.profileId,
      session_id: c.sessionId,
      old_phone: c.oldPhone,
      new_phone: c.newPhone,
      language: c.language,
      client_ip: c.clientIp,
      status: 'pending',
      created_at: c.now,
      expires_at: c.expiresAt,
    })
    .execute();
}

/** A newer change voids the Digital ID's pending ones: one code in play at a time. */
export async function voidPendingChanges(conn: DbOrTx, profileId: string): Promise<void> {
  await conn.updateTable('phone_changes').set({ status: 'voided' }).where('profile_id', '=', profileId).where('status', '=', 'pending').execute();
}

/** The session's own change, locked for this transaction. */
export async function findChangeForUpdate(conn: DbOrTx, id: string, owner: { profileId: string; sessionId: string }) {
  return conn
    .selectFrom('phone_changes')
    .selectAll()
    .where('id', '=', id)
    .where('profile_id', '=', owner.profileId)
    .where('session_id', '=', owner.sessionId)
    .forUpdate()
    .executeTakeFirst();
}

export async function completeChange(conn: DbOrTx, id: string, now: Date): Promise<void> {
  await conn.updateTable('phone_changes').set({ status: 'completed', completed_at: now }).where('id', '=', id).execute();
}

/** Serialises everything that gives a phone to a Digital ID, so two cannot take one number at once. */
export async function lockPhoneOwnership(conn: DbOrTx, phone: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${'profile-phone:' + phone}))`.execute(conn);
}

/** Whether another Digital ID than `profileId` has this phone. */
export async function phoneUsedByAnother(conn: DbOrTx, phone: string, profileId: string): Promise<boolean> {
  const row = await conn.selectFrom('digital_profiles').select('id').where('phone', '=', phone).where('id', '<>', profileId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function setProfilePhone(conn: DbOrTx, profileId: string, phone: string): Promise<void> {
  await conn
    .updateTable('digital_profiles')
    .set({ phone })
    .where('id', '=', profileId)
    .execute()
    .catch((err: unknown) => {
      throw isUniqueViolation(err, PROFILE_PHONE_KEY) ? new AppError('PHONE_IN_USE') : err;
    });
}
