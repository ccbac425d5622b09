// The provider's storage within one request (oidc-request-records.ts): a token found with its grant,
// session and Digital ID in one read; a token request's writes held back and written as one statement.
import { describe, expect, it } from 'vitest';
import { databaseAdapter, flushHeldWrites } from '../src/oidc/oidc.adapter.js';
import { withRequestRecords } from '../src/oidc/oidc-request-records.js';
import { useTestDatabase } from './support/use-test-database.js';
import { testDbKind } from './support/test-server.js';

const database = useTestDatabase({ poolSize: 4 });

const noClients = { providerMetadata: async () => null };
const stored = (id: string) => database.db.selectFrom('oidc_payloads').select(['id', 'consumed_at']).where('id', '=', id).executeTakeFirst();

describe(`oidc request records on ${testDbKind}`, () => {
  it('a token request writes consume and new tokens together, before any later read and at the flush', async () => {
    const Adapter = databaseAdapter(database.db, noClients);
    await new Adapter('RefreshToken').upsert('rt-old', { grantId: 'g1', kind: 'RefreshToken' }, 600);
    await withRequestRecords({ writeBehind: true }, async () => {
      await new Adapter('RefreshToken').consume('rt-old');
      await new Adapter('RefreshToken').upsert('rt-new', { grantId: 'g1', kind: 'RefreshToken' }, 600);
      await new Adapter('AccessToken').upsert('at-new', { grantId: 'g1', kind: 'AccessToken' }, 600);
      expect(await stored('rt-new')).toBeUndefined();
      expect((await stored('rt-old'))?.consumed_at).toBeNull();
      await flushHeldWrites(database.db);
      expect(await stored('rt-new')).toBeDefined();
      expect(await stored('at-new')).toBeDefined();
      expect((await stored('rt-old'))?.consumed_at).not.toBeNull();

      await new Adapter('AccessToken').upsert('at-2', { grantId: 'g1', kind: 'AccessToken' }, 600);
      // a read sees what the request wrote before it
      expect(await new Adapter('AccessToken').find('at-2')).toMatchObject({ grantId: 'g1' });
    });
    // outside a token request every write goes at once
    await withRequestRecords({ writeBehind: false }, () => new Adapter('AccessToken').upsert('at-3', { kind: 'AccessToken' }, 600));
    expect(await stored('at-3')).toBeDefined();
  });

  it('finds a token with its grant and session in one read, for the rest of the request; a write of a model forgets it', async () => {
    const Adapter = databaseAdapter(database.db, noClients);
    await new Adapter('Grant').upsert('g2', { accountId: 'not-a-uuid', clientId: 'c', kind: 'Grant' }, 3600);
    await new Adapter('Session').upsert('s2', { uid: 'u2', accountId: 'not-a-uuid', kind: 'Session' }, 3600);
    await new Adapter('AccessToken').upsert('at-g2', { grantId: 'g2', sessionUid: 'u2', accountId: 'not-a-uuid', kind: 'AccessToken' }, 600);
    await withRequestRecords({ writeBehind: false }, async () => {
      expect(await new Adapter('AccessToken').find('at-g2')).toMatchObject({ grantId: 'g2' });
      await database.db.deleteFrom('oidc_payloads').where('id', 'in', ['g2', 's2']).execute();
      expect(await new Adapter('Grant').find('g2')).toMatchObject({ clientId: 'c' });
      expect(await new Adapter('Session').findByUid('u2')).toMatchObject({ accountId: 'not-a-uuid' });
      await new Adapter('Grant').upsert('g3', { accountId: 'a', clientId: 'c', kind: 'Grant' }, 3600);
      expect(await new Adapter('Grant').find('g2')).toBeUndefined();
    });
    // another request reads the database again
    await withRequestRecords({ writeBehind: false }, async () => expect(await new Adapter('Session').findByUid('u2')).toBeUndefined());
  });
});
