// oidc-provider's configuration: one place for every choice of the protocol (flows, PKCE, client
// authentication, pairwise subjects, claims by scope, acr/amr, lifetimes, where interactions go).
import Provider, { interactionPolicy, type Client, type KoaContextWithOIDC } from 'oidc-provider';
import type { AppContext } from '../app-context.js';
import { hmacSha256 } from '../platform/crypto.js';
import type { SessionService } from '../session/session.service.js';
import { SESSION_COOKIE } from '../session/session.auth.js';
import { citizenClaims } from './oidc.claims.js';
import { databaseAdapter, flushHeldWrites } from './oidc.adapter.js';
import type { ClientService } from './oidc-client.service.js';
import type { PrivateJwk } from './oidc.keys.js';
import { SIGNING_ALG } from './oidc.keys.js';
import { assuranceMeets } from '../session/session.rules.js';
import { ACR_VALUES, asksRegistryClaims, assuranceOfAcr, requiredAssurance, SCOPE_CLAIMS } from './oidc.rules.js';
import { recalledDigitalId } from './oidc-request-records.js';
import * as accounts from './oidc-account.store.js';
import { listGrants } from './oidc-payload.store.js';
import { isFormPostPage, pageLanguage, providerPages } from './provider-pages.js';
import { isLanguage } from '../platform/i18n.js';

export const OIDC_PREFIX = '/oidc';

export const TTL = {
  AccessToken: 600,
  AuthorizationCode: 60,
  IdToken: 3600,
  RefreshToken: 30 * 86_400,
  Interaction: 1800,
  // A grant (what the citizen allowed a service) lasts until revoked from the profile, or a year.
  Grant: 365 * 86_400,
} as const;

export function issuerOf(ctx: AppContext): string {
  return ctx.config.http.publicUrl + OIDC_PREFIX;
}

/**
 * Where the web app takes over: sign-in (and step-up) first, then the consent page. Relative to PUBLIC_URL.
 * `?lang=` is the page's language as the provider's own pages choose it (provider-pages `pageLanguage`).
 */
export function interactionPath(uid: string, prompt: string, language: string): string {
  const lang = `lang=${encodeURIComponent(language)}`;
  return prompt === 'login' ? `/signin?interaction=${encodeURIComponent(uid)}&${lang}` : `/consent/${encodeURIComponent(uid)}?${lang}`;
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export function buildProvider(ctx: AppContext, clients: ClientService, sessions: SessionService, keys: PrivateJwk[]): Provider {
  const { Check, base } = interactionPolicy;
  const policy = base();
  const login = policy.get('login');
  // The provider's session lives only as long as the citizen's own (did_session) and for the same person:
  // signing out of the Digital ID, or another citizen signing in on this browser, asks again.
  login.checks.add(
    new Check('citizen_session', 'the Digital ID session has ended or belongs to someone else', async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return false;
      try {
        const principal = await sessions.authenticate(ctx.cookies.get(SESSION_COOKIE, { signed: false }));
        return principal.profileId !== accountId;
      } catch {
        return true;
      }
    }),
  );
  // acr_values: a service that asks for urn:did:acr:high sends the citizen through the face step-up.
  login.checks.add(
    new Check('acr_insufficient', 'the requested assurance (acr_values) is higher than the session has', (ctx) => {
      const needed = requiredAssurance(ctx.oidc.params?.acr_values);
      if (!needed || !ctx.oidc.session?.accountId) return false;
      const have = assuranceOfAcr(ctx.oidc.session.acr ?? '');
      return !have || !assuranceMeets(have, needed);
    }),
  );

  const pages = providerPages(ctx.config);
  const cookieKey = hmacSha256(ctx.config.secretKey, 'oidc-cookies').toString('base64url');
  const sessionSeconds = ctx.config.session.absoluteTimeoutSeconds;

  const provider = new Provider(issuerOf(ctx), {
    adapter: databaseAdapter(ctx.db, clients),
    clients: [],
    jwks: { keys },
    findAccount: async (_kctx: KoaContextWithOIDC, sub: string) => {
      // Read with the code or token this request found, when there was one (oidc-request-records.ts).
      const recalled = recalledDigitalId(sub);
      const digitalId = recalled !== undefined ? recalled : await accounts.findDigitalId(ctx.db, sub);
      if (!digitalId || digitalId.blocked_at) return undefined;
      return {
        accountId: digitalId.id,
        // The registry is asked only when a claim of its own may be released (not for most ID tokens).
        async claims(use: string, scope: string, requested?: Record<string, unknown>) {
          const person = asksRegistryClaims(use, scope, requested) ? await ctx.registry.findPerson(digitalId.iin) : null;
          return { sub: digitalId.id, ...citizenClaims(person, digitalId) };
        },
      };
    },
    // acr, amr and auth_time go with `openid`: every ID token says how strongly the citizen was identified.
    claims: { ...SCOPE_CLAIMS, openid: ['sub', 'acr', 'amr', 'auth_time'], sid: null, iss: null },
    scopes: ['openid', 'offline_access', 'profile', 'phone', 'iin'],
    acrValues: [...ACR_VALUES],
    responseTypes: ['code'],
    pkce: { required: () => true },
    renderError: pages.renderError,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: { idTokenSigningAlgValues: [SIGNING_ALG], clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'] },
    subjectTypes: ['public', 'pairwise'],
    // The same citizen gets one `sub` per sector (the redirect URIs' host), another in every other sector.
    pairwiseIdentifier: async (_kctx: KoaContextWithOIDC, accountId: string, client: Client) =>
      hmacSha256(ctx.config.secretKey, 'oidc-pairwise', client.sectorIdentifier ?? client.clientId, accountId).toString('base64url'),
    extraClientMetadata: { properties: ['first_party'] },
    rotateRefreshToken: true,
    // Outgoing calls (back-channel logout, jwks_uri) refuse private and loopback addresses. Outside
    // production a service under development on this machine (http://127.0.0.1 is allowed there) is reached.
    fetch: (url: URL | string, options: RequestInit & { dispatcher?: unknown }) =>
      ctx.config.env !== 'production' && isLoopbackUrl(String(url)) ? fetch(url, { ...options, dispatcher: undefined } as RequestInit) : fetch(url, options as RequestInit),
    features: {
      devInteractions: { enabled: false },
      // A service may introspect or revoke only the tokens issued to it: another service's token tells it
      // nothing (active: false) and stays valid. The library's default lets any confidential client read them.
      introspection: { enabled: true, allowedPolicy: ownTokensOnly },
      revocation: { enabled: true, allowedPolicy: ownTokensOnly },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: pages.logoutSource, postLogoutSuccessSource: pages.postLogoutSuccessSource },
      backchannelLogout: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      claimsParameter: { enabled: true },
    },
    // First-party services skip the consent page: what they ask (within their allowed scopes) is granted.
    loadExistingGrant: async (kctx: KoaContextWithOIDC) => {
      const { oidc } = kctx;
      const client = oidc.client!;
      const accountId = oidc.session!.accountId!;
      // The consent is the citizen's, not the browser's: a grant given in another browser still stands.
      const grantId =
        (oidc.result?.consent as { grantId?: string } | undefined)?.grantId ??
        oidc.session!.grantIdFor(client.clientId) ??
        (await listGrants(ctx.db, accountId, new Date(), client.clientId))[0]?.id;
      let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (client.first_party !== true) return grant;
      grant ??= new oidc.provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
      if (oidc.requestParamClaims) grant.addOIDCClaims([...oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    interactions: {
      url: (kctx: KoaContextWithOIDC, interaction: { uid: string; prompt: { name: string }; params: { ui_locales?: unknown } }) =>
        interactionPath(interaction.uid, interaction.prompt.name, pageLanguage(kctx, ctx.config, interaction.params.ui_locales)),
      policy,
    },
    cookies: {
      keys: [cookieKey],
      long: { httpOnly: true, sameSite: 'lax' },
      // Path '/': the interaction cookie also reaches /api/v1/interactions/{uid}, which checks that the
      // browser answering an interaction is the one that started it.
      short: { httpOnly: true, sameSite: 'lax', path: '/' },
    },
    ttl: { ...TTL, Session: sessionSeconds },
  });
  // Behind trusted proxies the scheme and host come from X-Forwarded-* (Fastify checked who sent them).
  provider.proxy = ctx.config.http.trustProxy !== false;
  // A token request's writes are held back to go as one statement (oidc-request-records.ts): written
  // here at the latest, before Koa sends the answer, and also when the request failed.
  provider.use(async (_kctx, next) => {
    try {
      await next();
    } finally {
      await flushHeldWrites(ctx.db);
    }
  });
  // The provider's form_post page in the citizen's language. The logout form's action carries the page's
  // language (?ui_locales=); so does the "signed out" page it leads to.
  provider.use(async (kctx, next) => {
    await next();
    if (isFormPostPage(kctx.body)) kctx.body = pages.localizeFormPost(kctx, kctx.body);
    const language = kctx.query.ui_locales;
    if (kctx.oidc?.route !== 'end_session_confirm' || kctx.status !== 303 || !isLanguage(language)) return;
    const location = new URL(kctx.response.get('location'));
    if (location.pathname !== new URL(kctx.oidc.urlFor('end_session_success')).pathname) return;
    location.searchParams.set('ui_locales', language);
    kctx.redirect(location.href);
    kctx.status = 303;
  });
  provider.on('server_error', (_kctx: unknown, err: Error) => ctx.logger.error({ err }, 'oidc-provider server error'));
  return provider;
}

function ownTokensOnly(_kctx: KoaContextWithOIDC, client: Client, token: { clientId?: string }): boolean {
  return token.clientId === client.clientId;
}
