// The provider's storage adapter and signing keys against a real database (PGlite, or PostgreSQL with DATABASE_URL).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { databaseAdapter } from '../src/oidc/oidc.adapter.js';
import { ensureSigningKey, loadSigningKeys } from '../src/oidc/oidc.keys.js';
import { deleteExpired } from '../src/oidc/oidc-payload.store.js';
import { useTestDatabase } from './support/use-test-database.js';
import { testDbKind } from './support/test-server.js';

const database = useTestDatabase({ poolSize: 4 });
const config = loadConfig({ NODE_ENV: 'test' });

const noClients = { providerMetadata: async () => null };

describe(`oidc storage on ${testDbKind}`, () => {
  it('stores, finds (by id, uid, user code), consumes and destroys records; expired ones are not found', async () => {
    const Adapter = databaseAdapter(database.db, noClients);
    const sessions = new Adapter('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a1', kind: 'Session' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'a1', kind: 'Session' });
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: 'a1' });
    expect(await new Adapter('Interaction').find('s1')).toBeUndefined();
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a2', kind: 'Session' }, 60);
    expect((await sessions.find('s1'))?.accountId).toBe('a2');

    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    await codes.consume('c1');
    const consumed = await codes.find('c1');
    expect(typeof consumed?.consumed).toBe('number');

    await codes.upsert('c2', { grantId: 'g2', kind: 'AuthorizationCode' }, 1);
    await database.db.updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', 'c2').execute();
    expect(await codes.find('c2')).toBeUndefined();

    await sessions.destroy('s1');
    expect(await sessions.find('s1')).toBeUndefined();
  });

  it('revokes one model’s records of a grant; keeps grants’ account and client for the services list', async () => {
    const Adapter = databaseAdapter(database.db, noClients);
    await new Adapter('Grant').upsert('g9', { accountId: 'acc', clientId: 'cli', kind: 'Grant' }, 3600);
    await new Adapter('AccessToken').upsert('at9', { grantId: 'g9', kind: 'AccessToken' }, 600);
    await new Adapter('RefreshToken').upsert('rt9', { grantId: 'g9', kind: 'RefreshToken' }, 600);
    await new Adapter('AccessToken').revokeByGrantId('g9');
    expect(await new Adapter('AccessToken').find('at9')).toBeUndefined();
    expect(await new Adapter('RefreshToken').find('rt9')).toBeDefined();
    const grant = await database.db.selectFrom('oidc_payloads').select(['account_id', 'client_id']).where('model', '=', 'Grant').where('id', '=', 'g9').executeTakeFirstOrThrow();
    expect(grant).toEqual({ account_id: 'acc', client_id: 'cli' });
    await expect(new Adapter('Client').upsert('x', {}, 0)).rejects.toThrow();
  });

  it('sweeps records expired longer than the grace period, in batches', async () => {
    const Adapter = databaseAdapter(database.db, noClients);
    const tokens = new Adapter('AccessToken');
    for (const id of ['old1', 'old2', 'old3', 'recent', 'live']) await tokens.upsert(id, { kind: 'AccessToken' }, 600);
    await database.db.updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 7200_000) }).where('id', 'in', ['old1', 'old2', 'old3']).execute();
    await database.db.updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 60_000) }).where('id', '=', 'recent').execute();
    expect(await deleteExpired(database.db, new Date(), 3600, 2)).toBe(2);
    expect(await deleteExpired(database.db, new Date(), 3600, 2)).toBe(1);
    expect(await deleteExpired(database.db, new Date(), 3600, 2)).toBe(0);
    const left = await database.db.selectFrom('oidc_payloads').select('id').where('id', 'in', ['old1', 'old2', 'old3', 'recent', 'live']).execute();
    expect(left.map((r) => r.id).sort()).toEqual(['live', 'recent']);
  });

  it('two processes starting together on an empty key table make one signing key', async () => {
    await Promise.all([ensureSigningKey(database.db, config), ensureSigningKey(database.db, config), ensureSigningKey(database.db, config)]);
    const keys = await loadSigningKeys(database.db, config);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(typeof keys[0].d).toBe('string');
  });
});
