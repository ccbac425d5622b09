import { freePort } from './support/free-port.js';
import { describe, expect, it } from 'vitest';
import { startTestServer, testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { citizenBrowser, citizenWithDigitalId, signIn, type CitizenBrowser } from './support/citizen-session.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';
import { hmacSha256 } from '../src/platform/crypto.js';

let origin: string;

const server = useTestServer(async () => {
  // The relying party is PUBLIC_URL: the test server's own origin, as a browser would see it.
  const port = await freePort();
  origin = `http://localhost:${port}`;
  return startTestServer({ PORT: String(port), PUBLIC_URL: origin, SIGNIN_SEND_LIMIT_PER_IP: '100000', OTP_SEND_LIMIT_PER_IP: '100000' });
});

/** A citizen signed in with a code, with a software authenticator that holds one passkey of theirs. */
async function citizenWithPasskey(options: { name?: string } = {}) {
  const citizen = await citizenWithDigitalId(server);
  const browser = await signIn(server, citizen.phone);
  const authenticator = new SoftAuthenticator(origin);
  const passkey = await addPasskey(browser, authenticator, options.name);
  expect(passkey.status, JSON.stringify(passkey.body)).toBe(201);
  return { citizen, browser, authenticator, passkey: passkey.body as { id: string; name: string; createdAt: string; lastUsedAt: string | null } };
}

async function addPasskey(browser: CitizenBrowser, authenticator: SoftAuthenticator, name?: string, knobs: Parameters<SoftAuthenticator['create']>[1] = {}) {
  const options = await browser.request('POST', '/api/v1/me/passkeys/options');
  expect(options.status, JSON.stringify(options.body)).toBe(200);
  return browser.request('POST', '/api/v1/me/passkeys', { body: { ...(name === undefined ? {} : { name }), response: authenticator.create(options.body, knobs) } });
}

async function authenticationOptions() {
  const res = await server.request('POST', '/api/v1/sessions/passkey/options');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { challenge: string; rpId: string; userVerification: string; allowCredentials?: unknown[]; timeout: number };
}

/** Signs in with a passkey in a fresh browser. */
async function passkeySignIn(authenticator: SoftAuthenticator, knobs: Parameters<SoftAuthenticator['get']>[1] = {}) {
  const browser = citizenBrowser(server);
  const options = await authenticationOptions();
  const res = await browser.request('POST', '/api/v1/sessions/passkey', { body: { response: authenticator.get(options, knobs) } });
  return { browser, res };
}

async function activityTypes(browser: CitizenBrowser): Promise<string[]> {
  return (await browser.request('GET', '/api/v1/me/activity')).body.events.map((e: { type: string }) => e.type);
}

describe(`passkeys on ${testDbKind}`, () => {
  it('adds a discoverable passkey with user verification, named after the browser by default, and audits it', async () => {
    const citizen = await citizenWithDigitalId(server);
    const browser = await signIn(server, citizen.phone);
    const options = await browser.request('POST', '/api/v1/me/passkeys/options');
    expect(options.status).toBe(200);
    expect(options.body.rp).toEqual({ name: 'Digital ID', id: 'localhost' });
    expect(options.body.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.body.attestation).toBe('none');
    expect(options.body.user.name).toMatch(/^\+7\d{3}\*{3}\d{4}$/);
    expect(options.body.timeout).toBe(120_000);
    // Only the challenge's HMAC is kept.
    const stored = await server.ctx.db.selectFrom('passkey_challenges').select('challenge_hash').execute();
    expect(stored.some((row) => row.challenge_hash.toString('base64url') === options.body.challenge)).toBe(false);

    const authenticator = new SoftAuthenticator(origin);
    const added = await browser.request('POST', '/api/v1/me/passkeys', { body: { response: authenticator.create(options.body) } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toEqual({ id: expect.any(String), name: 'Chrome, Android', createdAt: expect.any(String), lastUsedAt: null });

    const list = await browser.request('GET', '/api/v1/me/passkeys');
    expect(list.body.passkeys).toEqual([added.body]);
    expect((await activityTypes(browser))[0]).toBe('passkey.added');

    // The next registration is told not to make a second passkey on the same authenticator.
    const next = await browser.request('POST', '/api/v1/me/passkeys/options');
    expect(next.body.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([...authenticator.credentials.keys()]);
  });

  it('keeps the name the citizen gives, and the name of a known passkey provider', async () => {
    const { browser, passkey } = await citizenWithPasskey({ name: '  My   phone ' });
    expect(passkey.name).toBe('My phone');
    const google = new SoftAuthenticator(origin);
    google.aaguid = Buffer.from('ea9b8d664d011d213ce4b6b48cb575d4', 'hex');
    const second = await addPasskey(browser, google);
    expect(second.body.name).toBe('Google Password Manager');
    expect((await browser.request('GET', '/api/v1/me/passkeys')).body.passkeys.map((p: { name: string }) => p.name)).toEqual(['My phone', 'Google Password Manager']);
  });

  it('signs in with a passkey alone: a session of assurance substantial, method passkey, audited', async () => {
    const { authenticator, browser: first } = await citizenWithPasskey();
    const options = await authenticationOptions();
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required', timeout: 120_000 });
    expect(options.allowCredentials ?? []).toEqual([]);

    const { browser, res } = await passkeySignIn(authenticator);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ assurance: 'substantial', csrfToken: expect.any(String) });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('did_session='))!;
    expect(cookie).toMatch(/^did_session=[A-Za-z0-9_-]{43};.*HttpOnly/i);

    const me = await browser.request('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.assurance).toBe('substantial');
    const sessions = (await browser.request('GET', '/api/v1/me/sessions')).body.sessions;
    expect(sessions.find((s: { current: boolean }) => s.current)).toMatchObject({ method: 'passkey', assurance: 'substantial' });
    const [passkey] = (await browser.request('GET', '/api/v1/me/passkeys')).body.passkeys;
    expect(passkey.lastUsedAt).not.toBeNull();
    const activity = (await first.request('GET', '/api/v1/me/activity')).body.events;
    expect(activity[0]).toMatchObject({ type: 'session.started', method: 'passkey' });
  });

  it('answers a wrong signature and an unknown credential alike (401 PASSKEY_NOT_RECOGNISED), and opens no session', async () => {
    const { authenticator } = await citizenWithPasskey();
    const wrong = await passkeySignIn(authenticator, { tamper: true });
    const strangerOptions = await authenticationOptions();
    const stranger = authenticator.stranger(strangerOptions);
    const unknown = await citizenBrowser(server).request('POST', '/api/v1/sessions/passkey', { body: { response: stranger.get(strangerOptions) } });
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.body.error.code).toBe('PASSKEY_NOT_RECOGNISED');
    expect({ status: unknown.status, body: unknown.body, cookie: unknown.headers.get('set-cookie') }).toEqual({
      status: wrong.res.status,
      body: wrong.res.body,
      cookie: wrong.res.headers.get('set-cookie'),
    });
    expect(wrong.browser.cookie).toBeNull();
    // The right passkey still works after a failure.
    expect((await passkeySignIn(authenticator)).res.status).toBe(200);
  });

  it('refuses an assertion without user verification, from another origin, or for another user handle', async () => {
    const { authenticator } = await citizenWithPasskey();
    expect((await passkeySignIn(authenticator, { userVerified: false })).res.body.error.code).toBe('PASSKEY_NOT_RECOGNISED');
    expect((await passkeySignIn(authenticator, { origin: 'https://evil.example' })).res.body.error.code).toBe('PASSKEY_NOT_RECOGNISED');
    expect((await passkeySignIn(authenticator, { userHandle: Buffer.alloc(32, 7).toString('base64url') })).res.body.error.code).toBe('PASSKEY_NOT_RECOGNISED');
  });

  it('uses each challenge once: a replayed assertion, or one replayed after a failure, is refused (410)', async () => {
    const { authenticator } = await citizenWithPasskey();
    const options = await authenticationOptions();
    const assertion = authenticator.get(options);
    const first = await citizenBrowser(server).request('POST', '/api/v1/sessions/passkey', { body: { response: assertion } });
    expect(first.status).toBe(200);
    const replay = await citizenBrowser(server).request('POST', '/api/v1/sessions/passkey', { body: { response: assertion } });
    expect(replay.status).toBe(410);
    expect(replay.body.error.code).toBe('PASSKEY_CHALLENGE_EXPIRED');

    const again = await authenticationOptions();
    const broken = authenticator.get(again, { tamper: true });
    expect((await server.request('POST', '/api/v1/sessions/passkey', { body: { response: broken } })).status).toBe(401);
    const retried = authenticator.get(again);
    expect((await server.request('POST', '/api/v1/sessions/passkey', { body: { response: retried } })).body.error.code).toBe('PASSKEY_CHALLENGE_EXPIRED');

    // A challenge made up by the caller was never issued.
    const madeUp = authenticator.get({ challenge: Buffer.alloc(32, 1).toString('base64url') });
    expect((await server.request('POST', '/api/v1/sessions/passkey', { body: { response: madeUp } })).body.error.code).toBe('PASSKEY_CHALLENGE_EXPIRED');
  });

  it('refuses a challenge older than its 2 minutes', async () => {
    const { authenticator } = await citizenWithPasskey();
    const options = await authenticationOptions();
    const hash = hmacSha256(server.config.secretKey, 'passkey-challenge', options.challenge);
    await server.ctx.db.updateTable('passkey_challenges').set({ expires_at: new Date(Date.now() - 1000) }).where('challenge_hash', '=', hash).execute();
    const res = await server.request('POST', '/api/v1/sessions/passkey', { body: { response: authenticator.get(options) } });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('PASSKEY_CHALLENGE_EXPIRED');
    expect(res.body.error.message).toBeTruthy();
  });

  it('refuses a signature counter that went back or stood still (a cloned authenticator), and records why', async () => {
    const { authenticator, browser } = await citizenWithPasskey();
    expect((await passkeySignIn(authenticator, { counter: 5 })).res.status).toBe(200);
    expect((await passkeySignIn(authenticator, { counter: 3 })).res.body.error.code).toBe('PASSKEY_NOT_RECOGNISED');
    expect((await passkeySignIn(authenticator, { counter: 5 })).res.body.error.code).toBe('PASSKEY_NOT_RECOGNISED');
    expect((await passkeySignIn(authenticator, { counter: 6 })).res.status).toBe(200);
    const failed = (await browser.request('GET', '/api/v1/me/activity')).body.events.filter((e: { type: string }) => e.type === 'signin.failed');
    expect(failed.map((e: { method: string }) => e.method)).toEqual(['passkey_counter_regressed', 'passkey_counter_regressed']);
  });

  it('renames a passkey; an empty or too long name is refused in the caller’s language', async () => {
    const { browser, passkey } = await citizenWithPasskey();
    const renamed = await browser.request('PATCH', `/api/v1/me/passkeys/${passkey.id}`, { body: { name: 'Ноутбук' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: passkey.id, name: 'Ноутбук' });
    for (const name of ['', '   ', 'x'.repeat(61)]) {
      const bad = await browser.request('PATCH', `/api/v1/me/passkeys/${passkey.id}`, { body: { name }, headers: { 'accept-language': 'kk' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('PASSKEY_NAME_INVALID');
      expect(bad.body.error.message).toMatch(/таңба/);
    }
    const badAdd = await addPasskey(browser, new SoftAuthenticator(origin), ' ');
    expect(badAdd.body.error.code).toBe('PASSKEY_NAME_INVALID');
    const missing = await browser.request('PATCH', '/api/v1/me/passkeys/00000000-0000-4000-8000-000000000000', { body: { name: 'x' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('PASSKEY_NOT_FOUND');
    expect((await browser.request('GET', '/api/v1/me/passkeys')).body.passkeys.map((p: { name: string }) => p.name)).toEqual(['Ноутбук']);
    expect((await activityTypes(browser))[0]).toBe('passkey.renamed');
  });

  it('removes a passkey: it no longer signs in, and the removal is in the activity list', async () => {
    const { authenticator, browser, passkey } = await citizenWithPasskey();
    expect((await browser.request('DELETE', `/api/v1/me/passkeys/${passkey.id}`)).status).toBe(204);
    expect((await browser.request('GET', '/api/v1/me/passkeys')).body.passkeys).toEqual([]);
    expect((await activityTypes(browser))[0]).toBe('passkey.removed');
    const { res } = await passkeySignIn(authenticator);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('PASSKEY_NOT_RECOGNISED');
    expect((await browser.request('DELETE', `/api/v1/me/passkeys/${passkey.id}`)).body.error.code).toBe('PASSKEY_NOT_FOUND');
  });

  it('refuses a blocked Digital ID (403 DIGITAL_ID_BLOCKED) and keeps its passkeys', async () => {
    const { authenticator, browser } = await citizenWithPasskey();
    expect((await browser.request('POST', '/api/v1/me/block')).status).toBe(204);
    const { res } = await passkeySignIn(authenticator);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('DIGITAL_ID_BLOCKED');
    expect(res.headers.get('set-cookie')).toBeNull();
    const [credentialId] = authenticator.credentials.keys();
    expect(await server.ctx.db.selectFrom('passkeys').select('id').where('credential_id', '=', credentialId).execute()).toHaveLength(1);
  });

  it('needs a session for /me/passkeys, and the CSRF header on every write there', async () => {
    const { browser, passkey } = await citizenWithPasskey();
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/v1/me/passkeys/options', undefined],
      ['POST', '/api/v1/me/passkeys', { response: new SoftAuthenticator(origin).create({ challenge: 'AAAAAAAAAAAAAAAAAAAAAA', rp: {}, user: { id: 'AA' } }) }],
      ['PATCH', `/api/v1/me/passkeys/${passkey.id}`, { name: 'changed' }],
      ['DELETE', `/api/v1/me/passkeys/${passkey.id}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      for (const headers of [{}, { 'x-csrf-token': 'wrong' }] as Array<Record<string, string>>) {
        const res = await browser.request(method, path, { body, csrf: false, headers });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('SESSION_CSRF_FAILED');
      }
    }
    expect((await browser.request('GET', '/api/v1/me/passkeys')).body.passkeys).toEqual([passkey]);
    const anonymous = citizenBrowser(server);
    for (const [method, path] of [['GET', '/api/v1/me/passkeys'], ['POST', '/api/v1/me/passkeys/options']]) {
      expect((await anonymous.request(method, path)).status).toBe(401);
    }
  });

  it("cannot see, rename or remove another citizen's passkey", async () => {
    const mine = await citizenWithPasskey();
    const other = await signIn(server, (await citizenWithDigitalId(server)).phone);
    expect((await other.request('GET', '/api/v1/me/passkeys')).body.passkeys).toEqual([]);
    expect((await other.request('DELETE', `/api/v1/me/passkeys/${mine.passkey.id}`)).status).toBe(404);
    expect((await other.request('PATCH', `/api/v1/me/passkeys/${mine.passkey.id}`, { body: { name: 'mine now' } })).status).toBe(404);
    expect((await mine.browser.request('GET', '/api/v1/me/passkeys')).body.passkeys).toEqual([mine.passkey]);
    expect((await passkeySignIn(mine.authenticator)).res.status).toBe(200);
  });

  it('adds a passkey only with the challenge of this session, user verification and this origin', async () => {
    const citizen = await citizenWithDigitalId(server);
    const laptop = await signIn(server, citizen.phone);
    const phone = await signIn(server, citizen.phone);
    const authenticator = new SoftAuthenticator(origin);
    // The challenge belongs to the laptop's session.
    const options = (await laptop.request('POST', '/api/v1/me/passkeys/options')).body;
    const stolen = await phone.request('POST', '/api/v1/me/passkeys', { body: { response: authenticator.create(options) } });
    expect(stolen.status).toBe(410);
    expect(stolen.body.error.code).toBe('PASSKEY_CHALLENGE_EXPIRED');

    const noUv = await addPasskey(laptop, authenticator, undefined, { userVerified: false });
    expect(noUv.status).toBe(400);
    expect(noUv.body.error.code).toBe('PASSKEY_REGISTRATION_FAILED');
    const otherOrigin = await addPasskey(laptop, authenticator, undefined, { origin: 'https://evil.example' });
    expect(otherOrigin.body.error.code).toBe('PASSKEY_REGISTRATION_FAILED');
    expect((await laptop.request('GET', '/api/v1/me/passkeys')).body.passkeys).toEqual([]);
  });

  it('refuses a credential already registered (409), and a reported id that is not the signed one (400)', async () => {
    const { browser, authenticator } = await citizenWithPasskey();
    const [first] = authenticator.credentials.keys();
    // An authenticator that ignored excludeCredentials and made a credential with the same id.
    const again = await addPasskey(browser, new SoftAuthenticator(origin), undefined, { credentialId: first });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('PASSKEY_ALREADY_REGISTERED');
    const options = (await browser.request('POST', '/api/v1/me/passkeys/options')).body;
    const forged = { ...authenticator.create(options), id: first, rawId: first };
    const res = await browser.request('POST', '/api/v1/me/passkeys', { body: { response: forged } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('PASSKEY_REGISTRATION_FAILED');
    expect((await browser.request('GET', '/api/v1/me/passkeys')).body.passkeys).toHaveLength(1);
  });

  it('allows at most PASSKEY_MAX_PER_PROFILE (10) passkeys per Digital ID', async () => {
    const { browser } = await citizenWithPasskey();
    for (let i = 1; i < 10; i++) expect((await addPasskey(browser, new SoftAuthenticator(origin), `key ${i}`)).status).toBe(201);
    const options = await browser.request('POST', '/api/v1/me/passkeys/options');
    expect(options.status).toBe(409);
    expect(options.body.error.code).toBe('PASSKEY_LIMIT_REACHED');
  });

  it('limits the open sign-in ceremonies of one address (429 RATE_LIMITED with Retry-After)', async () => {
    let limited: { status: number; headers: Headers; body: any } | undefined;
    for (let i = 0; i <= 30 && !limited; i++) {
      const res = await server.request('POST', '/api/v1/sessions/passkey/options');
      if (res.status !== 200) limited = res;
    }
    expect(limited?.status).toBe(429);
    expect(limited?.body.error.code).toBe('RATE_LIMITED');
    expect(limited?.headers.get('retry-after')).toBe('120');
    await server.ctx.db.deleteFrom('passkey_challenges').execute();
    expect((await server.request('POST', '/api/v1/sessions/passkey/options')).status).toBe(200);
  });
});
