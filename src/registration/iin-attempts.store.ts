// SQL of the IIN lookups (iin_attempts): the phone and the IIN are kept as HMACs only.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { IinAttemptsTable } from '../platform/db/schema.js';
import type { IinAttemptsUsed } from './iin-attempts.rules.js';

export type IinAttemptOutcome = IinAttemptsTable['outcome'];

/** Serialises lookups for one phone so its daily budget cannot be raced (the IP's is counted unlocked, as for codes). */
export async function lockPhone(conn: DbOrTx, phoneHash: Buffer): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${'iin-phone:' + phoneHash.toString('hex')}))`.execute(conn);
}

export async function insertAttempt(conn: DbOrTx, a: { id: string; registrationId: string; phoneHash: Buffer; iinHash: Buffer; clientIp: string; now: Date }): Promise<void> {
  await conn
    .insertInto('iin_attempts')
    .values({ id: a.id, registration_id: a.registrationId, phone_hash: a.phoneHash, iin_hash: a.iinHash, client_ip: a.clientIp, outcome: 'pending', created_at: a.now })
    .execute();
}

export async function setOutcome(conn: DbOrTx, id: string, outcome: IinAttemptOutcome): Promise<void> {
  await conn.updateTable('iin_attempts').set({ outcome }).where('id', '=', id).execute();
}

/** Lookups that count (a registry that did not answer is not the citizen's attempt). */
export async function countAttempts(conn: DbOrTx, q: { registrationId: string; phoneHash: Buffer; clientIp: string; since: Date }): Promise<IinAttemptsUsed> {
  const { rows } = await sql<{ reg_count: string; phone_count: string; phone_oldest: Date | null; ip_count: string; ip_oldest: Date | null }>`
    select count(*) filter (where registration_id = ${q.registrationId}) as reg_count,
           count(*) filter (where phone_hash = ${q.phoneHash} and created_at > ${q.since}) as phone_count,
           min(created_at) filter (where phone_hash = ${q.phoneHash} and created_at > ${q.since}) as phone_oldest,
           count(*) filter (where client_ip = ${q.clientIp} and created_at > ${q.since}) as ip_count,
           min(created_at) filter (where client_ip = ${q.clientIp} and created_at > ${q.since}) as ip_oldest
    from iin_attempts
    where outcome <> 'unavailable'
      and (registration_id = ${q.registrationId} or ((phone_hash = ${q.phoneHash} or client_ip = ${q.clientIp}) and created_at > ${q.since}))`.execute(conn);
  const row = rows[0];
  return {
    registration: Number(row.reg_count),
    phone: { count: Number(row.phone_count), oldest: row.phone_oldest ? new Date(row.phone_oldest) : null },
    ip: { count: Number(row.ip_count), oldest: row.ip_oldest ? new Date(row.ip_oldest) : null },
  };
}

/** Failed lookups of the registration: what its limit counts after a lookup. */
export async function countFailed(conn: DbOrTx, registrationId: string): Promise<number> {
  const row = await conn
    .selectFrom('iin_attempts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('registration_id', '=', registrationId)
    .where('outcome', 'not in', ['unavailable', 'accepted'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether this registration's lookup of this IIN found it bound in BMG to another phone. */
export async function hadBmgMismatch(conn: DbOrTx, registrationId: string, iinHash: Buffer): Promise<boolean> {
  const row = await conn
    .selectFrom('iin_attempts')
    .select('id')
    .where('registration_id', '=', registrationId)
    .where('iin_hash', '=', iinHash)
    .where('outcome', '=', 'bmg_mismatch')
    .executeTakeFirst();
  return row !== undefined;
}
