// The provider's signing keys. The only SQL of oidc_signing_keys.
import { sql } from 'kysely';
import type { DbOrTx, Tx } from '../platform/db/database.js';

/** Serialises key creation and rotation between processes (two servers starting on an empty database). */
export async function lockKeys(trx: Tx): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('oidc_signing_keys'))`.execute(trx);
}

export async function insertKey(conn: DbOrTx, key: { kid: string; alg: string; privateJwkEncrypted: Buffer; now: Date }): Promise<void> {
  await conn.insertInto('oidc_signing_keys').values({ kid: key.kid, alg: key.alg, private_jwk_encrypted: key.privateJwkEncrypted, created_at: key.now }).execute();
}

export async function hasActiveKey(conn: DbOrTx): Promise<boolean> {
  const row = await conn.selectFrom('oidc_signing_keys').select('kid').where('retired_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Retires the signing key(s): they stay published until `publishUntil`; how many. */
export async function retireActiveKeys(conn: DbOrTx, now: Date, publishUntil: Date): Promise<number> {
  const result = await conn.updateTable('oidc_signing_keys').set({ retired_at: now, publish_until: publishUntil }).where('retired_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The keys still published: the active one first, then retired ones newest first. */
export async function publishedKeys(conn: DbOrTx, now: Date) {
  return conn
    .selectFrom('oidc_signing_keys')
    .select(['kid', 'alg', 'private_jwk_encrypted', 'created_at', 'retired_at'])
    .where((eb) => eb.or([eb('publish_until', 'is', null), eb('publish_until', '>', now)]))
    .orderBy(sql`retired_at IS NULL`, 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}
