// The SQL of passkeys and of their ceremonies' challenges.
import type { DbOrTx } from '../platform/db/database.js';

export type ChallengePurpose = 'registration' | 'authentication';

export async function insertChallenge(
  conn: DbOrTx,
  challenge: { hash: Buffer; purpose: ChallengePurpose; profileId: string | null; sessionId: string | null; clientIp: string | null; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('passkey_challenges')
    .values({
      challenge_hash: challenge.hash,
      purpose: challenge.purpose,
      profile_id: challenge.profileId,
      session_id: challenge.sessionId,
      client_ip: challenge.clientIp,
      created_at: challenge.now,
      expires_at: challenge.expiresAt,
    })
    .execute();
}

/** Challenges past their lifetime are of no use to anyone. */
export async function deleteExpiredChallenges(conn: DbOrTx, now: Date): Promise<void> {
  await conn.deleteFrom('passkey_challenges').where('expires_at', '<=', now).execute();
}

/** Unfinished sign-in ceremonies of one address. */
export async function countOpenChallenges(conn: DbOrTx, clientIp: string, now: Date): Promise<number> {
  const row = await conn
    .selectFrom('passkey_challenges')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('client_ip', '=', clientIp)
    .where('purpose', '=', 'authentication')
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Takes the challenge out (single use): of two callers with the same challenge, one gets the row. */
export async function consumeChallenge(conn: DbOrTx, hash: Buffer, purpose: ChallengePurpose) {
  return conn.deleteFrom('passkey_challenges').where('challenge_hash', '=', hash).where('purpose', '=', purpose).returningAll().executeTakeFirst();
}

export async function insertPasskey(
  conn: DbOrTx,
  passkey: { id: string; profileId: string; credentialId: string; publicKey: Buffer; counter: number; transports: string[]; aaguid: string; backedUp: boolean; name: string; now: Date },
): Promise<boolean> {
  const inserted = await conn
    .insertInto('passkeys')
    .values({
      id: passkey.id,
      profile_id: passkey.profileId,
      credential_id: passkey.credentialId,
      public_key: passkey.publicKey,
      counter: passkey.counter,
      transports: JSON.stringify(passkey.transports),
      aaguid: passkey.aaguid,
      backed_up: passkey.backedUp,
      name: passkey.name,
      created_at: passkey.now,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

const PUBLIC_COLUMNS = ['id', 'name', 'aaguid', 'backed_up', 'transports', 'created_at', 'last_used_at'] as const;

export async function listPasskeys(conn: DbOrTx, profileId: string) {
  return conn.selectFrom('passkeys').select(PUBLIC_COLUMNS).where('profile_id', '=', profileId).orderBy('created_at', 'asc').orderBy('id').execute();
}

export async function findPasskey(conn: DbOrTx, profileId: string, id: string) {
  return conn.selectFrom('passkeys').select(PUBLIC_COLUMNS).where('profile_id', '=', profileId).where('id', '=', id).executeTakeFirst();
}

/** The credentials a Digital ID already has (the browser is told not to make a second one on the same authenticator). */
export async function listCredentialIds(conn: DbOrTx, profileId: string) {
  return conn.selectFrom('passkeys').select(['credential_id', 'transports']).where('profile_id', '=', profileId).execute();
}

/** A credential with its Digital ID's block, locked for the sign-in that uses it (counter check and update). */
export async function findByCredentialForUpdate(conn: DbOrTx, credentialId: string) {
  return conn
    .selectFrom('passkeys as k')
    .innerJoin('digital_profiles as p', 'p.id', 'k.profile_id')
    .select(['k.id', 'k.profile_id', 'k.credential_id', 'k.public_key', 'k.counter', 'k.transports', 'p.blocked_at'])
    .where('k.credential_id', '=', credentialId)
    .forUpdate('k')
    .executeTakeFirst();
}

export async function recordUse(conn: DbOrTx, id: string, counter: number, now: Date): Promise<void> {
  await conn.updateTable('passkeys').set({ counter, last_used_at: now }).where('id', '=', id).execute();
}

export async function renamePasskey(conn: DbOrTx, profileId: string, id: string, name: string): Promise<boolean> {
  const result = await conn.updateTable('passkeys').set({ name }).where('profile_id', '=', profileId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deletePasskey(conn: DbOrTx, profileId: string, id: string) {
  return conn.deleteFrom('passkeys').where('profile_id', '=', profileId).where('id', '=', id).returning(['id', 'name']).executeTakeFirst();
}
