import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import {
  authorize as authorizeSupport,
  authorizationUrl,
  Browser,
  registerClient as registerSupportClient,
  relyingParty,
  signedInBrowser as signedInSupportBrowser,
  startOidcTestServer,
  type RelyingParty,
} from './support/oidc-rp.js';

const server = useTestServer(() => startOidcTestServer());

/** Verifies an RS256 JWT with one published JWK. */
function verifiesWith(jwt: string, jwk: object): boolean {
  const [h, p, signature] = jwt.split('.');
  return verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), Buffer.from(signature, 'base64url'));
}

const registerClient = (options: Parameters<typeof registerSupportClient>[1] = {}) => registerSupportClient(server, options);
const signedInBrowser = () => signedInSupportBrowser(server);
const authorize = (rp: RelyingParty, browser: Browser, params: Record<string, string> = {}) => authorizeSupport(server, rp, browser, params);

describe(`OpenID Connect provider on ${testDbKind}`, () => {
  it('publishes its discovery document: issuer PUBLIC_URL/oidc, code flow only, S256, the client authentications, pairwise subjects', async () => {
    const res = await server.request('GET', '/oidc/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.body.issuer).toBe(`${server.config.http.publicUrl}/oidc`);
    expect(res.body.response_types_supported).toEqual(['code']);
    expect(res.body.code_challenge_methods_supported).toEqual(['S256']);
    expect(res.body.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']));
    expect(res.body.subject_types_supported).toEqual(expect.arrayContaining(['public', 'pairwise']));
    expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'phone', 'iin', 'offline_access']));
    expect(res.body.acr_values_supported).toEqual(['urn:did:acr:low', 'urn:did:acr:substantial', 'urn:did:acr:high']);
    expect(res.body.pushed_authorization_request_endpoint).toBe(`${server.config.http.publicUrl}/oidc/request`);
    for (const endpoint of ['userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'end_session_endpoint']) expect(res.body[endpoint]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oidc\//);
    expect(res.body.backchannel_logout_supported).toBe(true);
    const jwks = await server.request('GET', '/oidc/jwks');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('signs a citizen in to a service with code + PKCE: the id_token is signed by the JWKS key, for the client, with the nonce and acr low', async () => {
    const client = await registerClient();
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser();
    const flow = await authorize(rp, browser);
    const tokens = await oidc.authorizationCodeGrant(rp.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims.aud).toBe(client.clientId);
    expect(claims.nonce).toBe(flow.nonce);
    expect(claims.iss).toBe(`${server.config.http.publicUrl}/oidc`);
    expect(claims.acr).toBe('urn:did:acr:low');
    expect(claims.amr).toEqual(['otp']);
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0], 'base64url').toString());
    expect(header.alg).toBe('RS256');
    // openid-client trusts an ID token from the token endpoint without its signature (TLS); check it here.
    const jwks = (await server.request('GET', '/oidc/jwks')).body.keys as Array<{ kid: string }>;
    const key = jwks.find((k) => k.kid === header.kid);
    expect(key).toBeDefined();
    expect(verifiesWith(tokens.id_token!, key!)).toBe(true);
    const [h, p, sig] = tokens.id_token!.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, acr: 'urn:did:acr:high' })).toString('base64url');
    expect(verifiesWith(`${h}.${forged}.${sig}`, key!)).toBe(false);
    expect(p).not.toBe(forged);
  });

  it('refuses implicit and hybrid flows (unsupported_response_type): no token ever reaches the browser', async () => {
    const client = await registerClient();
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser();
    for (const responseType of ['id_token', 'id_token token', 'token', 'code id_token', 'code token']) {
      const start = await authorizationUrl(rp, { response_type: responseType });
      const res = await browser.fetch(start.url.href);
      const answer = res.location ? new URL(res.location) : null;
      const params = new URLSearchParams(answer?.hash ? answer.hash.slice(1) : answer?.search);
      const error = params.get('error') ?? /<code id="error-code">([^<]*)</.exec(String(res.body))?.[1];
      expect(error, responseType).toBe('unsupported_response_type');
      for (const token of ['id_token', 'access_token', 'code']) expect(params.get(token), `${responseType}: ${token}`).toBeNull();
    }
  });

  it('refuses an authorization request without PKCE, and a token request with the wrong verifier', async () => {
    const client = await registerClient();
    const rp = await relyingParty(server, client);
    const browser = new Browser(server);
    const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: client.redirectUri, scope: 'openid', state: 's1' });
    const res = await browser.fetch(url.href);
    const back = new URL(res.location!);
    expect(back.origin + back.pathname).toBe(client.redirectUri);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);

    const { browser: signedIn } = await signedInBrowser();
    const flow = await authorize(rp, signedIn);
    await expect(oidc.authorizationCodeGrant(rp.config, flow.callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedNonce: flow.nonce, expectedState: flow.state })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect_uri the service did not register without redirecting to it', async () => {
    const client = await registerClient();
    const rp = await relyingParty(server, client);
    const start = await authorizationUrl(rp, { redirect_uri: 'https://evil.example.com/callback' });
    const res = await new Browser(server).fetch(start.url.href);
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(String(res.body)).toMatch(/<code id="error-code">invalid_redirect_uri<\/code>/);
    expect(String(res.body)).not.toMatch(/<script|googleapis/);
  });

  it('refuses a code used twice, and an expired code, with invalid_grant', async () => {
    const client = await registerClient();
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser();
    const flow = await authorize(rp, browser);
    const checks = { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state };
    await oidc.authorizationCodeGrant(rp.config, flow.callback, checks);
    await expect(oidc.authorizationCodeGrant(rp.config, flow.callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });

    const second = await authorize(rp, browser);
    const code = second.callback.searchParams.get('code')!;
    // The code's lifetime passes (60 s): its record's expiry moves into the past.
    await server.ctx.db.updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 1000) }).where('model', '=', 'AuthorizationCode').where('id', '=', code).execute();
    await expect(oidc.authorizationCodeGrant(rp.config, second.callback, { pkceCodeVerifier: second.verifier, expectedNonce: second.nonce, expectedState: second.state })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('client_secret_basic (the default): a wrong secret is refused with invalid_client, the right one gets tokens', async () => {
    const client = await registerClient();
    const rp = await relyingParty(server, client, oidc.ClientSecretBasic(client.clientSecret!));
    const { browser } = await signedInBrowser();
    const flow = await authorize(rp, browser);
    const checks = { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state };
    const wrong = await relyingParty(server, client, oidc.ClientSecretBasic('not-the-secret'));
    // Refused with 401 and a Basic challenge that names the error (RFC 6749 5.2).
    await expect(oidc.authorizationCodeGrant(wrong.config, flow.callback, checks)).rejects.toMatchObject({ status: 401, cause: [{ scheme: 'basic', parameters: { error: 'invalid_client' } }] });
    expect((await oidc.authorizationCodeGrant(rp.config, flow.callback, checks)).access_token).toBeTruthy();
  });

  it('refuses a client with a wrong secret (invalid_client) and accepts client_secret_post', async () => {
    const client = await registerClient({ authMethod: 'client_secret_post' });
    const rp = await relyingParty(server, client, oidc.ClientSecretPost(client.clientSecret!));
    const { browser } = await signedInBrowser();
    const flow = await authorize(rp, browser);
    const wrong = await relyingParty(server, client, oidc.ClientSecretPost('not-the-secret'));
    await expect(oidc.authorizationCodeGrant(wrong.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state })).rejects.toMatchObject({ error: 'invalid_client' });
    const tokens = await oidc.authorizationCodeGrant(rp.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
    expect(tokens.access_token).toBeTruthy();
  });
});
