// npm run demo:rp — a small relying party ("a service") that signs citizens in with Digital ID, as a
// service's developer would write one with openid-client 6: authorization code + PKCE (S256) + nonce +
// state, the verified ID token's claims and the userinfo answer on its page, and sign-out at the provider
// (RP-initiated logout). Configured by environment (see README, "Sign in with Digital ID"):
//   DEMO_CLIENT_ID, DEMO_CLIENT_SECRET  from `npm run oidc:client`
//   DEMO_ISSUER                          default http://127.0.0.1:3000/oidc (PUBLIC_URL + /oidc)
//   DEMO_PORT                            default 3001; the redirect URI is http://127.0.0.1:{port}/callback
//   DEMO_SCOPES                          default "openid profile phone"
import crypto from 'node:crypto';
import http from 'node:http';
import * as client from 'openid-client';

export interface DemoRpOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  port: number;
  host?: string;
  scopes?: string;
}

interface Visit {
  /** The sign-in under way: what the callback must find again. */
  pending?: { verifier: string; state: string; nonce: string };
  signedIn?: { idToken: string; claims: Record<string, unknown>; userinfo: Record<string, unknown> };
  expiresAt: number;
}

const COOKIE = 'demo_rp_visit';
const VISIT_SECONDS = 3600;
const MAX_VISITS = 10_000;

const escape = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Demo service</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
a.button,button{display:inline-block;background:#0b4f8a;color:#fff;border:0;border-radius:.5rem;padding:.7rem 1.2rem;font:inherit;font-weight:600;text-decoration:none;cursor:pointer;margin:.25rem .5rem .25rem 0}
a.secondary{background:#fff;color:#0b4f8a;border:2px solid #0b4f8a}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d5dbe1;overflow-wrap:anywhere}th{width:40%;color:#4a5561;font-weight:500}
.error{background:#fde8eb;border-left:4px solid #b00020;padding:.6rem .75rem}</style></head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function claimsTable(caption: string, claims: Record<string, unknown>): string {
  const rows = Object.entries(claims)
    .map(([name, value]) => `<tr><th scope="row">${escape(name)}</th><td data-claim="${escape(name)}">${escape(typeof value === 'object' ? JSON.stringify(value) : value)}</td></tr>`)
    .join('');
  return `<h2>${escape(caption)}</h2><table>${rows}</table>`;
}

export async function startDemoRp(options: DemoRpOptions): Promise<{ server: http.Server; url: string; close: () => Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const origin = `http://${host}:${options.port}`;
  const redirectUri = `${origin}/callback`;
  const scopes = options.scopes ?? 'openid profile phone';
  const issuer = new URL(options.issuer);
  // Plain http only for a provider on this machine (development); openid-client refuses it otherwise.
  const insecure = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
  const config = await client.discovery(issuer, options.clientId, options.clientSecret, undefined, insecure);

  const visits = new Map<string, Visit>();
  const visitOf = (req: http.IncomingMessage): [string, Visit] => {
    const id = /(?:^|;\s*)demo_rp_visit=([\w-]{20,})/.exec(req.headers.cookie ?? '')?.[1];
    const found = id ? visits.get(id) : undefined;
    if (id && found && found.expiresAt > Date.now()) return [id, found];
    if (visits.size >= MAX_VISITS) for (const [key, v] of visits) if (v.expiresAt <= Date.now() || visits.size >= MAX_VISITS) visits.delete(key);
    const fresh: [string, Visit] = [crypto.randomBytes(24).toString('base64url'), { expiresAt: Date.now() + VISIT_SECONDS * 1000 }];
    visits.set(...fresh);
    return fresh;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const [id, visit] = visitOf(req);
    res.setHeader('set-cookie', `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${VISIT_SECONDS}`);
    res.setHeader('cache-control', 'no-store');
    const send = (status: number, html: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    };
    const redirect = (to: string) => {
      res.writeHead(303, { location: to });
      res.end();
    };

    if (req.method === 'GET' && url.pathname === '/') {
      if (!visit.signedIn) {
        const failure = url.searchParams.get('error');
        const notice = failure ? `<p class="error" role="alert">Sign-in failed: <strong id="error-code">${escape(failure)}</strong> ${escape(url.searchParams.get('error_description') ?? '')}</p>` : '';
        return send(
          200,
          page('Demo service', `${notice}<p>This service needs to know who you are.</p><p><a class="button" href="/login">Sign in with Digital ID</a>
<a class="button secondary" href="/login?acr=high">Sign in with Digital ID and a face check</a></p>`),
        );
      }
      const { claims, userinfo } = visit.signedIn;
      return send(
        200,
        page(
          'You are signed in',
          `<p>Digital ID confirmed who you are. The service received:</p>${claimsTable('ID token (signature, issuer, audience, nonce verified)', claims)}${claimsTable('Userinfo', userinfo)}
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
        ),
      );
    }

    if (req.method === 'GET' && url.pathname === '/login') {
      const pending = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
      visit.pending = pending;
      const params: Record<string, string> = {
        redirect_uri: redirectUri,
        scope: scopes,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      };
      if (url.searchParams.get('acr') === 'high') params.acr_values = 'urn:did:acr:high';
      // A service may ask for the citizen's language (/login?ui_locales=kk): Digital ID's pages then speak it.
      const uiLocales = url.searchParams.get('ui_locales');
      if (uiLocales) params.ui_locales = uiLocales.slice(0, 64);
      return redirect(client.buildAuthorizationUrl(config, params).href);
    }

    if (req.method === 'GET' && url.pathname === '/callback') {
      const pending = visit.pending;
      visit.pending = undefined;
      // The provider's refusal (access_denied when the citizen declined) comes back as ?error=…
      if (url.searchParams.has('error')) {
        const back = new URLSearchParams({ error: url.searchParams.get('error')!, error_description: url.searchParams.get('error_description') ?? '' });
        return redirect(`/?${back}`);
      }
      if (!pending) return redirect(`/?error=no_sign_in_started`);
      try {
        const tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
        const claims = tokens.claims()!;
        const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        visit.signedIn = { idToken: tokens.id_token!, claims: { ...claims }, userinfo: { ...userinfo } };
        return redirect('/');
      } catch (err) {
        const code = err instanceof client.ResponseBodyError || err instanceof client.AuthorizationResponseError ? err.error : 'callback_failed';
        return redirect(`/?${new URLSearchParams({ error: code, error_description: (err as Error).message })}`);
      }
    }

    if (req.method === 'POST' && url.pathname === '/logout') {
      const idToken = visit.signedIn?.idToken;
      visit.signedIn = undefined;
      if (!idToken) return redirect('/');
      // Signs out at Digital ID too, which then sends the browser back here.
      return redirect(client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: `${origin}/` }).href);
    }

    send(404, page('Not found', '<p><a href="/">Home</a></p>'));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, host, resolve));
  return { server, url: origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
