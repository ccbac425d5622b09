// The provider's signing keys: generated at first start, private parts AES-256-GCM encrypted at rest,
// rotated by `npm run oidc:rotate-keys`. A retired key no longer signs but stays in the JWKS until the
// tokens it signed have expired (publish_until), so relying parties can still verify them.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import { decrypt, encrypt } from '../platform/crypto.js';
import * as store from './oidc-key.store.js';

export const SIGNING_ALG = 'RS256';

export interface PrivateJwk {
  kid: string;
  alg: string;
  use: 'sig';
  kty: string;
  [member: string]: unknown;
}

function newKey(now: Date, config: Config): { kid: string; alg: string; privateJwkEncrypted: Buffer; now: Date } {
  const kid = randomUUID();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: SIGNING_ALG, use: 'sig' };
  return { kid, alg: SIGNING_ALG, privateJwkEncrypted: encrypt(config.encryptionKey, Buffer.from(JSON.stringify(jwk)), `oidc-key:${kid}`), now };
}

/** Creates the first signing key unless one exists (two processes starting together make one). */
export async function ensureSigningKey(db: Db, config: Config): Promise<void> {
  if (await store.hasActiveKey(db)) return;
  await db.transaction().execute(async (trx) => {
    await store.lockKeys(trx);
    if (!(await store.hasActiveKey(trx))) await store.insertKey(trx, newKey(new Date(), config));
  });
}

/** A new key signs from now on; the previous one stays published for `config.oidc.keyRetentionSeconds`. */
export async function rotateSigningKey(db: Db, config: Config): Promise<{ kid: string; retired: number }> {
  const now = new Date();
  const key = newKey(now, config);
  const retired = await db.transaction().execute(async (trx) => {
    await store.lockKeys(trx);
    const count = await store.retireActiveKeys(trx, now, new Date(now.getTime() + config.oidc.keyRetentionSeconds * 1000));
    await store.insertKey(trx, key);
    return count;
  });
  return { kid: key.kid, retired };
}

/** The published private keys, the signing one first (oidc-provider signs with the first key of an alg). */
export async function loadSigningKeys(db: Db, config: Config): Promise<PrivateJwk[]> {
  const rows = await store.publishedKeys(db, new Date());
  return rows.map((row) => JSON.parse(decrypt(config.encryptionKey, row.private_jwk_encrypted, `oidc-key:${row.kid}`).toString('utf8')) as PrivateJwk);
}
