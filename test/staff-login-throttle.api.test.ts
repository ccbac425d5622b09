// Staff sign-in throttling as an attacker meets it: guesses are slowed per (login, address), per address
// and per login, yet the real moderator, signing in from a browser that signed in before, is never locked
// out by someone else's failures; unknown logins answer like known ones; the audit log never keeps the
// raw text of a failed login. Client addresses come from X-Forwarded-For (TRUST_PROXY=1: the test
// client is the proxy).
import { describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { createStaffAccount, totpCode } from './support/staff-client.js';

const server = useTestServer({
  TRUST_PROXY: '1',
  STAFF_MAX_FAILED_LOGINS: '3',
  STAFF_LOGIN_IP_MAX_FAILURES: '6',
  STAFF_LOGIN_ACCOUNT_MAX_FAILURES: '5',
});

let nextIp = 10;
/** A fresh client address for each attacker request (TEST-NET-2). */
function freshIp(): string {
  return `198.51.100.${nextIp++}`;
}

async function signIn(input: { login: string; password: string; totp: string; ip: string; device?: string | null }) {
  const headers: Record<string, string> = { 'x-forwarded-for': input.ip, 'accept-language': 'en' };
  if (input.device) headers.cookie = `digitalid_staff_device=${input.device}`;
  const res = await server.request('POST', '/api/v1/staff/login', { body: { login: input.login, password: input.password, totp: input.totp }, headers });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('digitalid_staff_device='));
  return { ...res, device: cookie ? cookie.split(';')[0].split('=')[1] : null, deviceCookie: cookie ?? null };
}

describe(`staff sign-in throttling on ${testDbKind}`, () => {
  it('keeps a moderator signing in from a known browser in, while strangers’ failures slow the login down for everyone else', async () => {
    const account = await createStaffAccount(server, 'moderator');
    const office = '203.0.113.5';
    // An earlier sign-in from this browser left its device cookie (HttpOnly, sent only to the sign-in route).
    const first = await signIn({ login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login, -1), ip: office });
    expect(first.status).toBe(200);
    expect(first.deviceCookie).toMatch(/Path=\/api\/v1\/staff\/login/);
    expect(first.deviceCookie).toMatch(/HttpOnly/);

    // Strangers guess from many addresses (each stays under its own limits) until the login's allowance is used.
    for (let i = 0; i < 5; i++) {
      const guess = await signIn({ login: account.login, password: `guess-${i}`, totp: '000000', ip: freshIp() });
      expect(guess.status).toBe(401);
    }
    // The account-wide back-off now holds every client that has not signed in before …
    const newLaptop = await signIn({ login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login), ip: freshIp() });
    expect(newLaptop.status).toBe(429);
    expect(newLaptop.body.error.code).toBe('STAFF_LOGIN_THROTTLED');
    // … but not the moderator's own browser, even from the very address an attacker also used.
    const moderator = await signIn({ login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login), ip: office, device: first.device });
    expect(moderator.status, JSON.stringify(moderator.body)).toBe(200);
  });

  it('throttles one address guessing one login, but not the same login from another address', async () => {
    const account = await createStaffAccount(server, 'operator');
    const attacker = freshIp();
    for (let i = 0; i < 3; i++) expect((await signIn({ login: account.login, password: `wrong-${i}`, totp: '000000', ip: attacker })).status).toBe(401);
    const blocked = await signIn({ login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login), ip: attacker });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({ code: 'STAFF_LOGIN_THROTTLED', message: expect.stringMatching(/^Too many sign-in attempts\. Try again in \d+ s\.$/) });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(20);
    expect(retryAfter).toBeLessThanOrEqual(30);
    const colleague = await signIn({ login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login), ip: freshIp() });
    expect(colleague.status).toBe(200);
  });

  it('throttles one address spraying many logins', async () => {
    const sprayer = freshIp();
    for (let i = 0; i < 6; i++) expect((await signIn({ login: `spray.${i}`, password: 'Winter2026!', totp: '000000', ip: sprayer })).status).toBe(401);
    const account = await createStaffAccount(server, 'admin');
    const next = await signIn({ login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login), ip: sprayer });
    expect(next.status).toBe(429);
  });

  it('answers an unknown login exactly as a known login with a wrong password, and throttles both alike', async () => {
    const account = await createStaffAccount(server, 'operator');
    const ip = freshIp();
    // The seconds left of a back-off tick on between two answers: compared apart, within the back-off.
    const seconds: number[] = [];
    const strip = (res: Awaited<ReturnType<typeof signIn>>) => {
      const retryAfter = res.headers.get('retry-after');
      if (retryAfter) seconds.push(Number(retryAfter));
      const body = JSON.parse(JSON.stringify(res.body).replace(/\b\d+ s\b/g, 'N s').replace(/"retryAfter":\d+/g, '"retryAfter":"N"'));
      return { status: res.status, body, cookies: res.headers.getSetCookie(), retryAfter: retryAfter === null ? null : 'N' };
    };
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(strip(await signIn({ login: account.login, password: 'not-the-password', totp: '123456', ip })));
      unknown.push(strip(await signIn({ login: `nobody.${account.login}`, password: 'not-the-password', totp: '123456', ip })));
    }
    expect(unknown).toEqual(known);
    expect((known[3] as { status: number }).status).toBe(429);
    expect(seconds).toHaveLength(2);
    expect(Math.abs(seconds[0] - seconds[1])).toBeLessThanOrEqual(2);
  });

  it('audits failed sign-ins of unknown logins by a keyed hash, never the raw text', async () => {
    const typed = 'MySecretPassw0rd-typed-into-login';
    for (let i = 0; i < 2; i++) await signIn({ login: typed, password: 'x', totp: '000000', ip: freshIp() });
    const rows = await server.ctx.db.selectFrom('audit_events').selectAll().where('type', 'in', ['staff.login_failed', 'staff.login_throttled']).execute();
    expect(JSON.stringify(rows)).not.toContain('MySecretPassw0rd');
    const subjects = rows.filter((r) => r.actor === 'anonymous').map((r) => r.subject);
    expect(subjects.every((s) => /^unknown:[A-Za-z0-9_-]{16}$/.test(s ?? ''))).toBe(true);
    // The same text always maps to the same entry, so repeated guesses can be counted.
    const mine = rows.filter((r) => r.details?.reason === 'unknown_login').slice(-2).map((r) => r.subject);
    expect(mine[0]).toBe(mine[1]);
  });
});
