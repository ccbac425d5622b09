import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { authorizationUrl, authorize, Browser, interactionUid, registerClient, relyingParty, signedInBrowser, startOidcTestServer, tokensFor } from './support/oidc-rp.js';

const server = useTestServer(() => startOidcTestServer());

async function auditOf(type: string, profileId?: string) {
  let query = server.ctx.db.selectFrom('audit_events').selectAll().where('type', '=', type);
  if (profileId) query = query.where('profile_id', '=', profileId);
  return query.execute();
}

async function profileIdOf(phone: string): Promise<string> {
  return (await server.ctx.db.selectFrom('digital_profiles').select('id').where('phone', '=', phone).executeTakeFirstOrThrow()).id;
}

describe(`interactions, consent and the services list on ${testDbKind}`, () => {
  it('describes the interaction to the browser that started it only; login needs the session, consent waits for login', async () => {
    const client = await registerClient(server, { scopes: 'openid profile phone iin', name: 'Kaspi' });
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    const start = await authorizationUrl(rp, { scope: 'openid phone profile iin email' });
    const page = await browser.follow(start.url.href, rp.redirectUri);
    expect(new URL(page.url).pathname).toBe('/signin');
    const uid = interactionUid(page.url);

    const details = await browser.fetch(`/api/v1/interactions/${uid}`);
    expect(details.status).toBe(200);
    expect(details.body).toEqual({
      uid,
      client: { clientId: client.clientId, name: 'Kaspi', logoUri: 'https://rp.example.kz/logo.png', policyUri: 'https://rp.example.kz/privacy' },
      scopes: ['openid', 'phone', 'profile', 'iin'],
      optionalScopes: ['phone', 'profile', 'iin'],
      claims: ['phone_number', 'phone_number_verified', 'family_name', 'given_name', 'middle_name', 'birthdate', 'gender', 'iin'],
      prompt: { name: 'login', reasons: expect.arrayContaining(['no_session']) },
      acrRequired: null,
    });

    // Another browser (no interaction cookie) learns nothing and cannot answer for this one.
    const stranger = await signedInBrowser(server);
    expect((await stranger.browser.fetch(`/api/v1/interactions/${uid}`)).status).toBe(404);
    const hijack = await stranger.browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' });
    expect(hijack.status).toBe(404);
    expect(hijack.body.error.code).toBe('INTERACTION_NOT_FOUND');

    const early = await browser.fetch(`/api/v1/interactions/${uid}/consent`, { method: 'POST', body: { approve: true } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'INTERACTION_WRONG_STEP', details: { expected: 'login' } });

    const anonymous = new Browser(server);
    for (const [name, c] of browser.cookies) if (name.startsWith('_interaction')) anonymous.cookies.set(name, c);
    const noSession = await anonymous.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' });
    expect(noSession.status).toBe(401);
    expect(noSession.body.error.code).toBe('SESSION_REQUIRED');

    const login = await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const consentPage = await browser.follow(new URL(login.body.redirectTo, server.url).href, rp.redirectUri);
    expect(new URL(consentPage.url).pathname).toMatch(/^\/consent\/[\w-]+$/);
    const consent = await browser.fetch(`/api/v1/interactions/${interactionUid(consentPage.url)}`);
    expect(consent.body.prompt.name).toBe('consent');
    const unknown = await browser.fetch(`/api/v1/interactions/${interactionUid(consentPage.url)}/consent`, { method: 'POST', body: { approve: true, scopes: ['openid', 'email'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'OIDC_SCOPE_NOT_REQUESTED', details: { scope: 'email' } });
  });

  it('a refused consent returns access_denied to the service, audited', async () => {
    const client = await registerClient(server);
    const rp = await relyingParty(server, client);
    const { browser, citizen } = await signedInBrowser(server);
    const flow = await authorize(server, rp, browser, {}, { approve: false });
    expect(flow.steps).toEqual(['login', 'consent']);
    expect(flow.callback.searchParams.get('error')).toBe('access_denied');
    await expect(oidc.authorizationCodeGrant(rp.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state })).rejects.toMatchObject({ error: 'access_denied' });
    const denied = await auditOf('oidc.consent_denied', await profileIdOf(citizen.phone));
    expect(denied.map((e) => e.details)).toEqual([{ clientId: client.clientId }]);
  });

  it('userinfo gives the claims of the granted scopes only: optional scopes left out are not released', async () => {
    const client = await registerClient(server, { scopes: 'openid profile phone iin' });
    const rp = await relyingParty(server, client);
    const { browser, citizen } = await signedInBrowser(server);

    const all = await tokensFor(server, rp, browser, { scope: 'openid profile phone iin' });
    const sub = all.tokens.claims()!.sub;
    const info = await oidc.fetchUserInfo(rp.config, all.tokens.access_token, sub);
    expect(info).toMatchObject({ sub, family_name: citizen.lastName, given_name: citizen.firstName, middle_name: 'Нұрланұлы', phone_number: citizen.phone, phone_number_verified: true, iin: citizen.iin });
    expect(info.birthdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(['male', 'female']).toContain(info.gender);

    // Another citizen allows the phone only.
    const other = await signedInBrowser(server);
    const some = await tokensFor(server, rp, other.browser, { scope: 'openid profile phone iin' }, { approve: true, scopes: ['phone'] });
    const limited = await oidc.fetchUserInfo(rp.config, some.tokens.access_token, some.tokens.claims()!.sub);
    expect(Object.keys(limited).sort()).toEqual(['phone_number', 'phone_number_verified', 'sub']);
    expect(limited.phone_number).toBe(other.citizen.phone);
    const given = await auditOf('oidc.consent_given', await profileIdOf(other.citizen.phone));
    expect(given.map((e) => (e.details as { scopes: string[] }).scopes)).toEqual([['openid', 'phone']]);
  });

  it('a service not allowed `iin` never gets it: asking for it is refused with invalid_scope', async () => {
    const client = await registerClient(server, { scopes: 'openid profile' });
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    const refused = await authorize(server, rp, browser, { scope: 'openid profile iin' });
    expect(refused.steps).toEqual([]);
    expect(refused.callback.searchParams.get('error')).toBe('invalid_scope');
    expect(refused.callback.searchParams.get('scope')).toBe('iin');
    const { tokens } = await tokensFor(server, rp, browser, { scope: 'openid profile' });
    const info = await oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub);
    expect(info.iin).toBeUndefined();
    expect(info.phone_number).toBeUndefined();
    expect(info.family_name).toBeTruthy();
  });

  it('the grant is kept: the next sign-in to the same service asks no consent; a first-party service never asks', async () => {
    const client = await registerClient(server);
    const rp = await relyingParty(server, client);
    const { browser, citizen } = await signedInBrowser(server);
    expect((await authorize(server, rp, browser)).steps).toEqual(['login', 'consent']);
    // A new browser of the same citizen: signed in to the provider again, but the consent stands.
    const again = new Browser(server);
    await again.signIn(citizen.phone);
    expect((await authorize(server, rp, again)).steps).toEqual(['login']);
    // Asking for more than was allowed asks again.
    expect((await authorize(server, rp, again, { scope: 'openid profile phone' })).steps).toEqual(['consent']);

    const own = await registerClient(server, { firstParty: true, scopes: 'openid profile phone iin' });
    const ownRp = await relyingParty(server, own);
    const ownFlow = await tokensFor(server, ownRp, browser, { scope: 'openid profile iin' });
    expect(ownFlow.flow.steps).toEqual([]);
    expect(ownFlow.tokens.claims()!.sub).toBe(await profileIdOf(citizen.phone));
  });

  it('lists the services with what each may see and since when; revoking ends the grant and its refresh and access tokens at once', async () => {
    const client = await registerClient(server, { scopes: 'openid profile phone offline_access', name: 'Halyk' });
    const rp = await relyingParty(server, client);
    const { browser, citizen } = await signedInBrowser(server);
    const before = Date.now();
    const { tokens } = await tokensFor(server, rp, browser, { scope: 'openid profile offline_access', prompt: 'consent' });
    expect(tokens.refresh_token).toBeTruthy();

    const list = await browser.fetch('/api/v1/me/services');
    expect(list.status).toBe(200);
    expect(list.body.services).toEqual([
      {
        clientId: client.clientId,
        name: 'Halyk',
        logoUri: 'https://rp.example.kz/logo.png',
        policyUri: 'https://rp.example.kz/privacy',
        scopes: ['openid', 'profile', 'offline_access'],
        claims: ['family_name', 'given_name', 'middle_name', 'birthdate', 'gender'],
        since: expect.any(String),
      },
    ]);
    expect(Date.parse(list.body.services[0].since)).toBeGreaterThanOrEqual(before - 1000);

    const noCsrf = await browser.fetch(`/api/v1/me/services/${client.clientId}`, { method: 'DELETE', headers: { 'x-csrf-token': 'wrong' } });
    expect(noCsrf.status).toBe(403);
    const revoke = await browser.fetch(`/api/v1/me/services/${client.clientId}`, { method: 'DELETE' });
    expect(revoke.status).toBe(204);
    await expect(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow();
    const introspection = await oidc.tokenIntrospection(rp.config, tokens.access_token);
    expect(introspection.active).toBe(false);
    expect((await browser.fetch('/api/v1/me/services')).body.services).toEqual([]);
    const audit = await auditOf('oidc.grant_revoked', await profileIdOf(citizen.phone));
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ clientId: client.clientId });

    const twice = await browser.fetch(`/api/v1/me/services/${client.clientId}`, { method: 'DELETE' });
    expect(twice.status).toBe(404);
    expect(twice.body.error.code).toBe('OIDC_GRANT_NOT_FOUND');
    // The service has to ask again.
    expect((await authorize(server, rp, browser)).steps).toEqual(['consent']);
  });
});
