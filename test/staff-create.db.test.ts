// `npm run staff:create` as an administrator runs it: a real process against a fresh database.
import { describe, expect, it } from 'vitest';
import argon2 from 'argon2';
import { URI } from 'otpauth';
import { loadConfig } from '../src/platform/config.js';
import { StaffService } from '../src/staff/staff.service.js';
import { CLI_TEST_TIMEOUT, useCliDatabase } from './support/cli-run.js';
import { testDbKind } from './support/test-server.js';

const cliDatabase = useCliDatabase('digitalid-cli-');
const staffCreate = (...args: string[]) => cliDatabase.run('staff-create', ...args);

describe(`npm run staff:create on ${testDbKind}`, () => {
  it('creates an account and prints its one-time password and TOTP enrolment URI once', async () => {
    const run = await staffCreate('--login', 'aigerim.s', '--role', 'moderator');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Staff account created: aigerim.s (moderator)');
    const password = /One-time password[^\n]*\n\s+(\S+)/.exec(run.stdout)![1];
    const uri = /(otpauth:\/\/totp\/\S+)/.exec(run.stdout)![1];
    expect(uri).toMatch(/issuer=Digital%20ID/);

    const config = loadConfig(cliDatabase.env);
    await cliDatabase.inspect(async (database) => {
      const row = await database.db.selectFrom('staff_accounts').selectAll().where('login', '=', 'aigerim.s').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ role: 'moderator', password_change_required: true });
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(await argon2.verify(row.password_hash, password)).toBe(true);
      // The authenticator app enrolled from the URI shows the codes the server expects.
      const now = new Date();
      expect(URI.parse(uri).generate({ timestamp: now.getTime() })).toBe(await new StaffService(database.db, config).currentTotp('aigerim.s', now));
      expect(row.totp_secret_encrypted.toString('latin1')).not.toContain(/secret=([A-Z2-7]+)/.exec(uri)![1]);
    });
  }, CLI_TEST_TIMEOUT);

  it('refuses a login that is taken, an unknown role and a malformed login', async () => {
    const taken = await staffCreate('--login', 'aigerim.s', '--role', 'operator');
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('already exists');
    const role = await staffCreate('--login', 'someone', '--role', 'boss');
    expect(role.status).toBe(2);
    expect(role.stderr).toContain('--role must be one of moderator, operator, admin');
    const login = await staffCreate('--login', 'Bad Login', '--role', 'admin');
    expect(login.status).toBe(2);
  }, CLI_TEST_TIMEOUT);
});
