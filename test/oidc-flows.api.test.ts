import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createPublicKey, verify, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { authorize, Browser, interactionUid, registerClient, relyingParty, signedInBrowser, startOidcTestServer, tokensFor, type RelyingParty } from './support/oidc-rp.js';
import { citizenWithDigitalId } from './support/citizen-session.js';
import { extractFrames, hasFfmpeg } from '../eval/face-data.js';
import { rotateSigningKey } from '../src/oidc/oidc.keys.js';

// Step-up challenges fixed to what the recorded video performs (as in step-up.api.test.ts).
const server = useTestServer(() => startOidcTestServer({ OIDC_KEY_REFRESH_SECONDS: '1', VIDEO_CHECK_CHALLENGES: 'BLINK,TURN_LEFT', VIDEO_CHECK_ISSUE_LIMIT_PER_IP: '100000' }));

function jwtParts(jwt: string) {
  const [header, payload] = jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  return { header, payload };
}

/** Verifies an RS256 JWT against the provider's JWKS as it is published now. */
async function verifiesWithPublishedJwks(jwt: string): Promise<boolean> {
  const { header } = jwtParts(jwt);
  const jwks = (await server.request('GET', '/oidc/jwks')).body.keys as Array<{ kid: string }>;
  const jwk = jwks.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const [h, p, signature] = jwt.split('.');
  return verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' }), Buffer.from(signature, 'base64url'));
}

/** An authorization request for acr high from a browser signed in to the provider: its interaction's uid. */
async function highAssuranceInteraction(rp: RelyingParty, browser: Browser, verifier: string): Promise<string> {
  const start = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    acr_values: 'urn:did:acr:high',
    nonce: 'n-high',
    state: 's-high',
  });
  const page = await browser.follow(start.href, rp.redirectUri);
  return interactionUid(page.url);
}

// The high-assurance test with a real face step-up needs the shared face data and ffmpeg (as step-up.api.test.ts).
const faceDir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
const haveFaces = fs.existsSync(path.join(faceDir, 'video')) && hasFfmpeg();
if (!haveFaces) console.warn(`oidc acr high test with a real face step-up skipped: ${fs.existsSync(faceDir) ? 'ffmpeg not found' : `no face data at ${faceDir} (set FACE_DATA_DIR)`}`);

/** The cheap path for tests about what high assurance allows: the session as a passed face step-up leaves it. */
async function setHighAssurance(browser: Browser, until: Date) {
  const me = await browser.fetch('/api/v1/me');
  const sessions = await browser.fetch('/api/v1/me/sessions');
  const current = sessions.body.sessions.find((s: { current: boolean }) => s.current).id;
  expect(me.status).toBe(200);
  await server.ctx.db.updateTable('citizen_sessions').set({ high_assurance_until: until }).where('id', '=', current).execute();
}

describe(`OpenID Connect flows on ${testDbKind}`, () => {
  it('refresh tokens (offline_access) rotate: the new one works, the old one is refused', async () => {
    const client = await registerClient(server, { scopes: 'openid profile offline_access' });
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    const { tokens } = await tokensFor(server, rp, browser, { scope: 'openid offline_access', prompt: 'consent' });
    const first = tokens.refresh_token!;
    const refreshed = await oidc.refreshTokenGrant(rp.config, first);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first);
    expect(refreshed.claims()!.sub).toBe(tokens.claims()!.sub);
    await expect(oidc.refreshTokenGrant(rp.config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('introspection says what a token is; revocation ends it', async () => {
    const client = await registerClient(server);
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    const { tokens } = await tokensFor(server, rp, browser);
    const active = await oidc.tokenIntrospection(rp.config, tokens.access_token);
    expect(active).toMatchObject({ active: true, client_id: client.clientId, sub: tokens.claims()!.sub, scope: 'openid profile' });
    // Another service learns nothing of this token and cannot end it.
    const other = await relyingParty(server, await registerClient(server));
    expect(await oidc.tokenIntrospection(other.config, tokens.access_token)).toEqual({ active: false });
    await oidc.tokenRevocation(other.config, tokens.access_token).catch(() => undefined);
    expect((await oidc.tokenIntrospection(rp.config, tokens.access_token)).active).toBe(true);
    await oidc.tokenRevocation(rp.config, tokens.access_token);
    expect((await oidc.tokenIntrospection(rp.config, tokens.access_token)).active).toBe(false);
    await expect(oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow();
  });

  it('pairwise subjects: one per sector (redirect host), stable for a service, different between sectors; first-party gets the public one', async () => {
    const { browser } = await signedInBrowser(server);
    const subOf = async (redirectUri: string, firstParty = false) => {
      const client = await registerClient(server, { redirectUri, firstParty });
      const rp = await relyingParty(server, client);
      const { tokens } = await tokensFor(server, rp, browser);
      const again = await tokensFor(server, rp, browser);
      expect(again.tokens.claims()!.sub).toBe(tokens.claims()!.sub);
      return tokens.claims()!.sub;
    };
    const a = await subOf('https://shop-a.example.kz/cb');
    const b = await subOf('https://bank-b.example.kz/cb');
    const aAgain = await subOf('https://shop-a.example.kz/other-callback');
    const own = await subOf('https://egov.example.kz/cb', true);
    expect(a).not.toBe(b);
    expect(aAgain).toBe(a);
    expect(own).toMatch(/^[0-9a-f-]{36}$/);
    expect([a, b]).not.toContain(own);
  });

  it('acr_values=urn:did:acr:high: the interaction says so; login waits for the face step-up (STEP_UP_REQUIRED)', async () => {
    const client = await registerClient(server);
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    // Signed in to the provider at low first: a later request for high asks again.
    expect((await tokensFor(server, rp, browser)).tokens.claims()!.acr).toBe('urn:did:acr:low');
    const uid = await highAssuranceInteraction(rp, browser, 'a'.repeat(43));
    const details = await browser.fetch(`/api/v1/interactions/${uid}`);
    expect(details.body).toMatchObject({ acrRequired: 'urn:did:acr:high', prompt: { name: 'login', reasons: expect.arrayContaining(['acr_insufficient']) } });
    const refused = await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'STEP_UP_REQUIRED', details: { required: 'high' } });
  });

  describe.skipIf(!haveFaces)('with a real face', { timeout: 360_000 }, () => {
    it('acr_values=urn:did:acr:high: the citizen signed in with a code passes the face step-up over HTTP, then the id_token says acr high and amr face', async () => {
      const client = await registerClient(server);
      const rp = await relyingParty(server, client);
      const citizen = await citizenWithDigitalId(server, { photo: fs.readFileSync(path.join(faceDir, 'registry', 'photos', 'd9.jpg')) });
      const browser = new Browser(server);
      await browser.signIn(citizen.phone);
      // Signed in to the provider at low first: a later request for high asks again.
      expect((await tokensFor(server, rp, browser)).tokens.claims()!.acr).toBe('urn:did:acr:low');

      const verifier = 'd'.repeat(43);
      const uid = await highAssuranceInteraction(rp, browser, verifier);
      expect((await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' })).body.error?.code).toBe('STEP_UP_REQUIRED');

      // The web app's step-up: a check with the registration's challenges, then the recorded frames.
      const check = await browser.fetch('/api/v1/me/step-up', { method: 'POST' });
      expect(check.status, JSON.stringify(check.body)).toBe(201);
      // d9 from 5.6 s: a blink in the first 3-s slot, a turn to the left in the second (at 15 frames/s).
      const { frames } = extractFrames(path.join(faceDir, 'video', 'd9.mp4'), { fps: 15, count: 90, startSeconds: 5.6 });
      const form = new FormData();
      frames.forEach((f, i) => form.append('frames', new Blob([f], { type: 'image/jpeg' }), `frame${i}.jpg`));
      form.append('timestamps', JSON.stringify(frames.map((_, i) => Math.round((i * 1000) / 15))));
      const submitPath = `/api/v1/me/step-up/${check.body.checkId}`;
      const submitted = await fetch(`${server.url}${submitPath}`, { method: 'POST', headers: { cookie: browser.cookieHeader(submitPath), 'x-csrf-token': browser.csrfToken! }, body: form });
      const outcome = (await submitted.json()) as Record<string, unknown>;
      expect(submitted.status, JSON.stringify(outcome)).toBe(200);
      expect(outcome).toMatchObject({ outcome: 'PASSED', assurance: 'high' });

      const login = await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      const landed = await browser.follow(new URL(login.body.redirectTo, server.url).href, client.redirectUri);
      const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(landed.url), { pkceCodeVerifier: verifier, expectedNonce: 'n-high', expectedState: 's-high' });
      expect(tokens.claims()!.acr).toBe('urn:did:acr:high');
      expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['otp', 'face']));
    });
  });

  it('a consent page for acr high refuses a session whose step-up has run out', async () => {
    const client = await registerClient(server);
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    await setHighAssurance(browser, new Date(Date.now() + 15 * 60_000));
    const start = await oidc.buildAuthorizationUrl(rp.config, {
      redirect_uri: client.redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge('b'.repeat(43)),
      code_challenge_method: 'S256',
      acr_values: 'urn:did:acr:high',
    });
    const page = await browser.follow(start.href, client.redirectUri);
    const login = await browser.fetch(`/api/v1/interactions/${interactionUid(page.url)}/login`, { method: 'POST' });
    expect(login.status).toBe(200);
    const consentPage = await browser.follow(new URL(login.body.redirectTo, server.url).href, client.redirectUri);
    await setHighAssurance(browser, new Date(Date.now() - 1000));
    const consent = await browser.fetch(`/api/v1/interactions/${interactionUid(consentPage.url)}/consent`, { method: 'POST', body: { approve: true } });
    expect(consent.status).toBe(403);
    expect(consent.body.error.code).toBe('STEP_UP_REQUIRED');
  });

  it('prompt=login and max_age ask for a fresh sign-in: an older session is refused (REAUTHENTICATION_REQUIRED), a new one passes', async () => {
    const client = await registerClient(server);
    const rp = await relyingParty(server, client);
    const { browser, citizen } = await signedInBrowser(server);
    await tokensFor(server, rp, browser);

    // max_age 5 s: the fresh sign-in below must reach the login step within it, also on a loaded machine.
    // The provider compares whole seconds (auth_time + max_age < now), so the session must be over 6 s old.
    for (const params of [{ prompt: 'login' }, { max_age: '5' }] as Array<Record<string, string>>) {
      await new Promise((r) => setTimeout(r, params.max_age ? 6500 : 1500));
      const flow = await oidc.buildAuthorizationUrl(rp.config, {
        redirect_uri: client.redirectUri,
        scope: 'openid profile',
        code_challenge: await oidc.calculatePKCECodeChallenge('c'.repeat(43)),
        code_challenge_method: 'S256',
        ...params,
      });
      const page = await browser.follow(flow.href, client.redirectUri);
      const uid = interactionUid(page.url);
      const stale = await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' });
      expect(stale.status, JSON.stringify(params)).toBe(401);
      expect(stale.body.error.code).toBe('REAUTHENTICATION_REQUIRED');
      await browser.signIn(citizen.phone);
      const fresh = await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' });
      expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
      const landed = await browser.follow(new URL(fresh.body.redirectTo, server.url).href, client.redirectUri);
      const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(landed.url), { pkceCodeVerifier: 'c'.repeat(43), ...(params.max_age ? { maxAge: 5 } : {}) });
      expect(Date.now() / 1000 - tokens.claims()!.auth_time!).toBeLessThan(30);
    }
  });

  it('private_key_jwt client authentication and a pushed authorization request (PAR)', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const publicJwk = { ...(await webcrypto.subtle.exportKey('jwk', keys.publicKey)), kid: 'rp-key-1', alg: 'RS256', use: 'sig' };
    delete (publicJwk as { key_ops?: unknown }).key_ops;
    delete (publicJwk as { ext?: unknown }).ext;
    const client = await registerClient(server, { jwks: { keys: [publicJwk as Record<string, unknown>] } });
    expect(client.clientSecret).toBeNull();
    const rp = await relyingParty(server, client, oidc.PrivateKeyJwt({ key: keys.privateKey, kid: 'rp-key-1' }));
    const { browser } = await signedInBrowser(server);

    const verifier = oidc.randomPKCECodeVerifier();
    const par = await oidc.buildAuthorizationUrlWithPAR(rp.config, {
      redirect_uri: client.redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'par-state',
    });
    expect(par.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(par.searchParams.get('code_challenge')).toBeNull();
    let page = await browser.follow(par.href, client.redirectUri);
    for (let n = 0; n < 3 && !page.url.startsWith(client.redirectUri); n++) {
      const uid = interactionUid(page.url);
      const step = (await browser.fetch(`/api/v1/interactions/${uid}`)).body.prompt.name;
      const res = await browser.fetch(`/api/v1/interactions/${uid}/${step}`, { method: 'POST', body: step === 'consent' ? { approve: true } : undefined });
      page = await browser.follow(new URL(res.body.redirectTo, server.url).href, client.redirectUri);
    }
    const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(page.url), { pkceCodeVerifier: verifier, expectedState: 'par-state' });
    expect(tokens.access_token).toBeTruthy();
  });

  it('RP-initiated logout ends the provider session, sends the back-channel logout token and returns to the service', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const port = (receiver.address() as { port: number }).port;
      const client = await registerClient(server, { backchannelLogoutUri: `http://127.0.0.1:${port}/backchannel`, postLogoutRedirectUri: 'https://rp.example.kz/bye' });
      const rp = await relyingParty(server, client);
      const { browser } = await signedInBrowser(server);
      const { tokens } = await tokensFor(server, rp, browser);
      const endUrl = oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://rp.example.kz/bye', state: 'bye-state' });
      const confirm = await browser.fetch(endUrl.href);
      expect(confirm.status).toBe(200);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(String(confirm.body))![1];
      const action = /action="([^"]+)"/.exec(String(confirm.body))![1];
      const done = await browser.fetch(action, { method: 'POST', form: { xsrf, logout: 'yes' } });
      expect(done.status).toBe(303);
      expect(done.location).toBe('https://rp.example.kz/bye?state=bye-state');
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
      const logout = jwtParts(received[0]).payload;
      expect(logout).toMatchObject({ aud: client.clientId, sub: tokens.claims()!.sub, sid: tokens.claims()!.sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
      expect(await verifiesWithPublishedJwks(received[0])).toBe(true);
      // The provider's session is gone: the next authorization asks for login again.
      expect((await authorize(server, rp, browser)).steps[0]).toBe('login');
    } finally {
      receiver.close();
    }
  });

  it('key rotation: new tokens are signed by the new key, the old key stays published and old tokens still verify', async () => {
    const client = await registerClient(server, { scopes: 'openid profile offline_access' });
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    const before = await tokensFor(server, rp, browser, { scope: 'openid offline_access', prompt: 'consent' });
    const oldKid = jwtParts(before.tokens.id_token!).header.kid;

    const { kid } = await rotateSigningKey(server.ctx.db, server.config);
    await expect.poll(async () => (await server.request('GET', '/oidc/jwks')).body.keys.map((k: { kid: string }) => k.kid), { timeout: 15_000 }).toEqual([kid, oldKid]);

    const after = await tokensFor(server, rp, browser);
    expect(jwtParts(after.tokens.id_token!).header.kid).toBe(kid);
    expect(await verifiesWithPublishedJwks(before.tokens.id_token!)).toBe(true);
    expect(await verifiesWithPublishedJwks(after.tokens.id_token!)).toBe(true);
    // Tokens issued before the rotation keep working.
    const refreshed = await oidc.refreshTokenGrant(rp.config, before.tokens.refresh_token!);
    expect(jwtParts(refreshed.id_token!).header.kid).toBe(kid);
    expect((await oidc.tokenIntrospection(rp.config, before.tokens.access_token)).active).toBe(true);
  });
});
