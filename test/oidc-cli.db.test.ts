// `npm run oidc:client` and `npm run oidc:rotate-keys` as an administrator runs them: real processes
// against a fresh database.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import type { Db } from '../src/platform/db/database.js';
import { ClientService } from '../src/oidc/oidc-client.service.js';
import { loadSigningKeys } from '../src/oidc/oidc.keys.js';
import { CLI_TEST_TIMEOUT, useCliDatabase } from './support/cli-run.js';
import { testDbKind } from './support/test-server.js';

const cliDatabase = useCliDatabase('digitalid-oidc-cli-');
const cli = cliDatabase.run;

async function withDatabase<T>(work: (db: Db, config: ReturnType<typeof loadConfig>) => Promise<T>): Promise<T> {
  return cliDatabase.inspect((database) => work(database.db, loadConfig(cliDatabase.env)));
}

describe(`npm run oidc:client and oidc:rotate-keys on ${testDbKind}`, () => {
  it('registers a service and prints {"client_id","client_secret"}; the secret is stored encrypted', async () => {
    const run = await cli('oidc-client', '--name', 'eGov mobile', '--redirect-uri', 'https://egov.example.kz/cb', '--scopes', 'openid profile phone iin', '--first-party');
    expect(run.status, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(Object.keys(printed).sort()).toEqual(['client_id', 'client_secret']);
    expect(printed.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await withDatabase(async (db, config) => {
      const row = await db.selectFrom('oidc_clients').selectAll().where('client_id', '=', printed.client_id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ name: 'eGov mobile', scopes: 'openid profile phone iin', first_party: true, auth_method: 'client_secret_basic' });
      expect(row.secret_encrypted!.includes(Buffer.from(printed.client_secret))).toBe(false);
      const metadata = await new ClientService(db, config).providerMetadata(printed.client_id);
      expect(metadata).toMatchObject({ client_secret: printed.client_secret, subject_type: 'public', redirect_uris: ['https://egov.example.kz/cb'] });
      const audit = await db.selectFrom('audit_events').selectAll().where('type', '=', 'oidc.client_created').execute();
      expect(audit).toHaveLength(1);
    });
  }, CLI_TEST_TIMEOUT);

  it('a --jwks-uri service authenticates with private_key_jwt and has no secret; a bad redirect URI or scope is refused (exit 2)', async () => {
    const jwt = await cli('oidc-client', '--name', 'Bank', '--redirect-uri', 'https://bank.example.kz/cb', '--scopes', 'openid phone', '--jwks-uri', 'https://bank.example.kz/jwks');
    expect(jwt.status, jwt.stderr).toBe(0);
    expect(JSON.parse(jwt.stdout.trim().split('\n').at(-1)!).client_secret).toBeNull();

    const http = await cli('oidc-client', '--name', 'Bad', '--redirect-uri', 'http://bank.example.kz/cb', '--scopes', 'openid');
    expect(http.status).toBe(2);
    expect(http.stderr).toContain('invalid redirectUris: url');
    const scope = await cli('oidc-client', '--name', 'Bad', '--redirect-uri', 'https://bank.example.kz/cb', '--scopes', 'openid email');
    expect(scope.status).toBe(2);
    expect(scope.stderr).toContain('invalid scopes: unknown');
    const missing = await cli('oidc-client', '--name', 'Bad');
    expect(missing.status).toBe(2);
  }, CLI_TEST_TIMEOUT);

  it('rotates the signing key: the new one signs (first), the old one stays published', async () => {
    const first = await cli('oidc-rotate-keys');
    expect(first.status, first.stderr).toBe(0);
    const second = await cli('oidc-rotate-keys');
    expect(second.status, second.stderr).toBe(0);
    const { kid } = JSON.parse(second.stdout.trim().split('\n').at(-1)!);
    const { kid: oldKid } = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    await withDatabase(async (db, config) => {
      const keys = await loadSigningKeys(db, config);
      expect(keys.map((k) => k.kid)).toEqual([kid, oldKid]);
      const rows = await db.selectFrom('oidc_signing_keys').selectAll().execute();
      for (const row of rows) expect(row.private_jwk_encrypted.toString('utf8')).not.toContain('"d"');
    });
  }, CLI_TEST_TIMEOUT);
});
