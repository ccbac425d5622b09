// A relying party (openid-client 6) and a citizen's browser (a cookie jar, redirects followed by hand)
// against the real server on a loopback port whose address is its PUBLIC_URL (the issuer).
import { freePort } from './free-port.js';
import * as oidc from 'openid-client';
import { startTestServer, type TestServer } from './test-server.js';
import { expect } from 'vitest';
import { citizenWithDigitalId, nextSms, outbox } from './citizen-session.js';
import { ClientService } from '../../src/oidc/oidc-client.service.js';

export async function startOidcTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  return startTestServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, OTP_SEND_LIMIT_PER_IP: '100000', SIGNIN_SEND_LIMIT_PER_IP: '100000', ...env });
}

interface StoredCookie {
  value: string;
  path: string;
}

/** A browser: cookies by name and path, no automatic redirects. */
export class Browser {
  readonly cookies = new Map<string, StoredCookie>();
  csrfToken: string | null = null;

  constructor(private readonly server: TestServer) {}

  cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/')
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  async fetch(url: string, init: { method?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; body: any; location: string | null }> {
    const target = new URL(url, this.server.url);
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const cookie = this.cookieHeader(target.pathname);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] = 'application/json';
    }
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    if (this.csrfToken && init.method && init.method !== 'GET') headers['x-csrf-token'] ??= this.csrfToken;
    const res = await fetch(target, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const set of res.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^expires=Thu, 01 Jan 1970/i.test(a) || /^max-age=0$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (typeof parsed?.csrfToken === 'string') this.csrfToken = parsed.csrfToken;
    const location = res.headers.get('location');
    return { status: res.status, headers: res.headers, body: parsed, location: location ? new URL(location, target).href : null };
  }

  /** Signs in with the phone's SMS code (the did_session cookie lands in this jar). */
  async signIn(phone: string): Promise<void> {
    const before = (await outbox(this.server, phone))[0]?.id;
    const start = await this.fetch('/api/v1/sessions', { method: 'POST', body: { phone } });
    if (start.status !== 201) throw new Error(`sign-in start answered ${start.status}: ${JSON.stringify(start.body)}`);
    const sms = await nextSms(this.server, phone, before);
    const code = /\b(\d{6})\b/.exec(sms.body)![1];
    const verify = await this.fetch(`/api/v1/sessions/${start.body.id}/otp`, { method: 'POST', body: { code } });
    if (verify.status !== 200) throw new Error(`the code answered ${verify.status}: ${JSON.stringify(verify.body)}`);
  }

  /** Follows redirects from `url` until one leaves the server (the service's redirect URI) or lands on a page. */
  async follow(url: string, stopAt: string): Promise<{ url: string; status: number; body: any }> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      if (current.startsWith(stopAt)) return { url: current, status: 0, body: null };
      const res = await this.fetch(current);
      if (!res.location) return { url: current, status: res.status, body: res.body };
      current = res.location;
    }
    throw new Error('too many redirects');
  }
}

export interface RelyingParty {
  config: oidc.Configuration;
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
}

export async function relyingParty(server: TestServer, client: { clientId: string; clientSecret: string | null; redirectUri: string }, auth?: oidc.ClientAuth): Promise<RelyingParty> {
  const issuer = new URL(`${server.config.http.publicUrl}/oidc`);
  const config = await oidc.discovery(issuer, client.clientId, undefined, auth ?? oidc.ClientSecretBasic(client.clientSecret ?? undefined), { execute: [oidc.allowInsecureRequests] });
  return { config, ...client };
}

export interface AuthorizationStart {
  url: URL;
  verifier: string;
  nonce: string;
  state: string;
}

export async function authorizationUrl(rp: RelyingParty, params: Record<string, string> = {}): Promise<AuthorizationStart> {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...params,
  });
  return { url, verifier, nonce, state };
}

/** The interaction uid of a page the provider sent the browser to (/signin?interaction=… or /consent/…). */
export function interactionUid(pageUrl: string): string {
  const url = new URL(pageUrl);
  const uid = url.searchParams.get('interaction') ?? /^\/consent\/([^/]+)$/.exec(url.pathname)?.[1];
  if (!uid) throw new Error(`not an interaction page: ${pageUrl}`);
  return uid;
}

export interface TestClient {
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
}

export async function registerClient(
  server: TestServer,
  options: { scopes?: string; redirectUri?: string; firstParty?: boolean; authMethod?: 'client_secret_basic' | 'client_secret_post'; name?: string; jwks?: { keys: Record<string, unknown>[] }; backchannelLogoutUri?: string; postLogoutRedirectUri?: string } = {},
): Promise<TestClient> {
  const redirectUri = options.redirectUri ?? 'https://rp.example.kz/callback';
  const created = await new ClientService(server.ctx.db, server.config).create(
    {
      name: options.name ?? 'Test service',
      redirectUris: [redirectUri],
      scopes: (options.scopes ?? 'openid profile phone').split(' '),
      firstParty: options.firstParty,
      authMethod: options.jwks ? 'private_key_jwt' : options.authMethod,
      jwks: options.jwks,
      logoUri: 'https://rp.example.kz/logo.png',
      policyUri: 'https://rp.example.kz/privacy',
      backchannelLogoutUri: options.backchannelLogoutUri ?? null,
      postLogoutRedirectUris: options.postLogoutRedirectUri ? [options.postLogoutRedirectUri] : [],
    },
    'system',
  );
  return { ...created, redirectUri };
}

/** A citizen with a Digital ID signed in (did_session) in a fresh browser. */
export async function signedInBrowser(server: TestServer): Promise<{ browser: Browser; citizen: Awaited<ReturnType<typeof citizenWithDigitalId>> }> {
  const citizen = await citizenWithDigitalId(server);
  const browser = new Browser(server);
  await browser.signIn(citizen.phone);
  return { browser, citizen };
}

export type Consent = { approve: boolean; scopes?: string[] };

/**
 * Sends the browser to the provider and through the interaction pages' API (login with the session,
 * consent with `consent`) until it lands at the service; `steps` records the prompts met on the way.
 */
export async function authorize(server: TestServer, rp: RelyingParty, browser: Browser, params: Record<string, string> = {}, consent: Consent = { approve: true }) {
  const start = await authorizationUrl(rp, params);
  let page = await browser.follow(start.url.href, rp.redirectUri);
  const steps: string[] = [];
  for (let n = 0; n < 4 && !page.url.startsWith(rp.redirectUri); n++) {
    const uid = interactionUid(page.url);
    const details = await browser.fetch(`/api/v1/interactions/${uid}`);
    expect(details.status, JSON.stringify(details.body)).toBe(200);
    steps.push(details.body.prompt.name);
    const step =
      details.body.prompt.name === 'login'
        ? await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' })
        : await browser.fetch(`/api/v1/interactions/${uid}/consent`, { method: 'POST', body: consent });
    expect(step.status, JSON.stringify(step.body)).toBe(200);
    page = await browser.follow(new URL(step.body.redirectTo, server.url).href, rp.redirectUri);
  }
  return { ...start, callback: new URL(page.url), steps };
}

/** The code flow to its end: the tokens, checked by openid-client (signature, aud, nonce, state, PKCE). */
export async function tokensFor(server: TestServer, rp: RelyingParty, browser: Browser, params: Record<string, string> = {}, consent: Consent = { approve: true }) {
  const flow = await authorize(server, rp, browser, params, consent);
  const tokens = await oidc.authorizationCodeGrant(rp.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state, idTokenExpected: true });
  return { tokens, flow };
}
