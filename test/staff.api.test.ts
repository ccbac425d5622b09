import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { createStaffAccount, signedInStaff, staffClient, totpCode } from './support/staff-client.js';
import { randomPhone } from './support/citizens.js';

const server = useTestServer({ STAFF_MAX_FAILED_LOGINS: '3' });

function wrong(code: string): string {
  return code.replace(/\d$/, (d) => String((Number(d) + 5) % 10));
}

async function auditCount(type: string, actor?: string): Promise<number> {
  let q = server.ctx.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).where('type', '=', type);
  if (actor) q = q.where('actor', '=', actor);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

describe(`staff sign-in on ${testDbKind}`, () => {
  it('signs in with the one-time password and TOTP, in an HttpOnly SameSite cookie limited to the staff API', async () => {
    const account = await createStaffAccount(server, 'operator');
    expect(account.totpUri).toMatch(/^otpauth:\/\/totp\/Digital%20ID:operator\.[0-9a-f]+\?.*secret=[A-Z2-7]+/);
    const client = staffClient(server, account.login, account.oneTimePassword);
    const res = await client.request('POST', '/api/v1/staff/login', { body: { login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.staff).toMatchObject({ login: account.login, role: 'operator', passwordChangeRequired: true });
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/digitalid_staff=[A-Za-z0-9_-]{40,}/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/api\/v1\/staff/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const me = await client.request('GET', '/api/v1/staff/me');
    expect(me.status).toBe(200);
    expect(me.body.staff.login).toBe(account.login);
    expect(await auditCount('staff.login', `staff:${account.login}`)).toBe(1);
  });

  it('keeps everything but the password change closed until the one-time password is replaced', async () => {
    const account = await createStaffAccount(server, 'operator');
    const client = staffClient(server, account.login, account.oneTimePassword);
    await client.request('POST', '/api/v1/staff/login', { body: { login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login) } });
    const blocked = await client.request('GET', '/api/v1/staff/tickets');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('STAFF_PASSWORD_CHANGE_REQUIRED');
    const weak = await client.request('POST', '/api/v1/staff/password', { body: { currentPassword: account.oneTimePassword, newPassword: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('STAFF_PASSWORD_WEAK');
    const changed = await client.request('POST', '/api/v1/staff/password', { body: { currentPassword: account.oneTimePassword, newPassword: 'a long enough passphrase' } });
    expect(changed.status).toBe(200);
    expect(changed.body.staff.passwordChangeRequired).toBe(false);
    expect((await client.request('GET', '/api/v1/staff/tickets')).status).toBe(200);
    // the one-time password no longer works
    const again = staffClient(server, account.login, account.oneTimePassword);
    const old = await again.request('POST', '/api/v1/staff/login', { body: { login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login, 1) } });
    expect(old.status).toBe(401);
  });

  it('refuses a wrong TOTP code with the same answer as a wrong password, and audits the reason', async () => {
    const account = await createStaffAccount(server, 'moderator');
    const client = staffClient(server, account.login, account.oneTimePassword);
    const badTotp = await client.request('POST', '/api/v1/staff/login', {
      body: { login: account.login, password: account.oneTimePassword, totp: wrong(await totpCode(server, account.login)) },
      headers: { 'accept-language': 'en' },
    });
    expect(badTotp.status).toBe(401);
    expect(badTotp.body.error).toMatchObject({ code: 'STAFF_LOGIN_FAILED', message: 'Wrong login, password or authenticator code.' });
    expect(badTotp.headers.getSetCookie()).toEqual([]);
    const badPassword = await client.request('POST', '/api/v1/staff/login', { body: { login: account.login, password: 'not it', totp: await totpCode(server, account.login) } });
    expect(badPassword.body.error.code).toBe('STAFF_LOGIN_FAILED');
    const unknown = await client.request('POST', '/api/v1/staff/login', { body: { login: 'nobody.here', password: 'x', totp: '123456' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('STAFF_LOGIN_FAILED');
    const reasons = await server.ctx.db.selectFrom('audit_events').select('details').where('type', '=', 'staff.login_failed').where('subject', '=', account.login).orderBy('id').execute();
    expect(reasons.map((r) => r.details.reason)).toEqual(['wrong_totp', 'wrong_password']);
  });

  it('refuses a TOTP code that was already used to sign in', async () => {
    const account = await createStaffAccount(server, 'moderator');
    const code = await totpCode(server, account.login);
    const first = await staffClient(server, account.login, account.oneTimePassword).request('POST', '/api/v1/staff/login', { body: { login: account.login, password: account.oneTimePassword, totp: code } });
    expect(first.status).toBe(200);
    const replay = await staffClient(server, account.login, account.oneTimePassword).request('POST', '/api/v1/staff/login', { body: { login: account.login, password: account.oneTimePassword, totp: code } });
    expect(replay.status).toBe(401);
  });

  it('slows down one address guessing one login after the configured number of failures, even for the right credentials', async () => {
    const account = await createStaffAccount(server, 'operator');
    const client = staffClient(server, account.login, account.oneTimePassword);
    const attempt = async (password: string) =>
      client.request('POST', '/api/v1/staff/login', { body: { login: account.login, password, totp: await totpCode(server, account.login) } });
    expect((await attempt('wrong-1')).status).toBe(401);
    expect((await attempt('wrong-2')).status).toBe(401);
    expect((await attempt('wrong-3')).status).toBe(401);
    const right = await attempt(account.oneTimePassword);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('STAFF_LOGIN_THROTTLED');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await auditCount('staff.login_throttled')).toBeGreaterThanOrEqual(1);
  });

  it('ends a session idle for longer than the timeout and then knows it no more', async () => {
    const client = await signedInStaff(server, 'operator');
    expect((await client.request('GET', '/api/v1/staff/me')).status).toBe(200);
    await server.ctx.db
      .updateTable('staff_sessions')
      .set({ last_seen_at: sql`now() - make_interval(secs => ${server.config.staff.idleTimeoutSeconds + 1})` as any })
      .where('ended_at', 'is', null)
      .where('staff_id', '=', (await server.ctx.db.selectFrom('staff_accounts').select('id').where('login', '=', client.login).executeTakeFirstOrThrow()).id)
      .execute();
    const expired = await client.request('GET', '/api/v1/staff/me', { headers: { 'accept-language': 'ru' } });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ code: 'STAFF_SESSION_EXPIRED', message: 'Сеанс завершён из-за бездействия. Войдите снова.' });
    const after = await client.request('GET', '/api/v1/staff/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('STAFF_UNAUTHENTICATED');
  });

  it('signs out: the cookie no longer opens anything', async () => {
    const client = await signedInStaff(server, 'operator');
    const out = await client.request('POST', '/api/v1/staff/logout');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join('')).toMatch(/digitalid_staff=;/);
    expect((await client.request('GET', '/api/v1/staff/tickets')).status).toBe(401);
  });

  it('refuses a state-changing request without the CSRF token of the session', async () => {
    const client = await signedInStaff(server, 'operator');
    const missing = await client.request('POST', '/api/v1/staff/logout', { csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('STAFF_CSRF_FAILED');
    const other = await signedInStaff(server, 'operator');
    const foreign = await client.request('POST', '/api/v1/staff/logout', { csrf: false, headers: { 'x-csrf-token': other.csrfToken! } });
    expect(foreign.status).toBe(403);
    expect((await client.request('GET', '/api/v1/staff/me')).status).toBe(200);
  });

  it('opens nothing to a citizen registration token or to no credentials', async () => {
    const started = await server.request('POST', '/api/v1/registrations', { body: { phone: randomPhone() } });
    expect(started.status).toBe(201);
    for (const [method, path] of [
      ['GET', '/api/v1/staff/me'],
      ['GET', '/api/v1/staff/tickets'],
      ['GET', '/api/v1/staff/audit'],
      ['POST', '/api/v1/staff/logout'],
    ] as const) {
      const withToken = await server.request(method, path, { token: started.body.token });
      expect(withToken.status, `${method} ${path}`).toBe(401);
      expect(withToken.body.error.code).toBe('STAFF_UNAUTHENTICATED');
    }
  });

  it('gives the audit log to admins only', async () => {
    const admin = await signedInStaff(server, 'admin');
    const operator = await signedInStaff(server, 'operator');
    const log = await admin.request('GET', '/api/v1/staff/audit?type=staff.login');
    expect(log.status).toBe(200);
    expect(log.body.events.length).toBeGreaterThan(0);
    expect((await operator.request('GET', '/api/v1/staff/audit')).body.error.code).toBe('STAFF_FORBIDDEN');
    expect((await admin.request('GET', '/api/v1/staff/tickets')).status).toBe(403);
  });
});
