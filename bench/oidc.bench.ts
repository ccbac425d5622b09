// npm run bench:oidc — the OpenID Connect provider under load, on PGlite and on PostgreSQL: the token
// endpoint exchanging authorization codes (PKCE, client_secret_basic, a signed ID token each) and
// refreshing (rotated refresh tokens: each connection follows its own chain, with fetch), and userinfo, beside a
// floor measured in the same run: a bare Fastify route in the same process. Prints req/s and latency
// percentiles, CPU per request (Node: the app and the load generator share the process; PostgreSQL: every
// process of its server, bench/pg-stats.ts) and from these the requests one core carries, set against
// Keycloak's sizing anchor (per vCPU: 15 password logins/s, 120 refresh-token requests/s).
// Env: BENCH_SECONDS (8), BENCH_CONNECTIONS (16), BENCH_CODES (1500); BENCH_DATABASE_URL uses an existing
// PostgreSQL instead of starting one of our own.
import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import Fastify from 'fastify';
import * as oidc from 'openid-client';
import { ClientService } from '../src/oidc/oidc-client.service.js';
import { citizenWithDigitalId } from '../test/support/citizen-session.js';
import { authorizationUrl, Browser, interactionUid, relyingParty, startOidcTestServer, type RelyingParty } from '../test/support/oidc-rp.js';
import type { TestServer } from '../test/support/test-server.js';
import { PgStats } from './pg-stats.js';
import { benchHeader, benchPostgres, cpuMs, measure, percentOfFloor, printTable } from './support/load.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
// Codes live 60 s: made just before the exchange, as many as it can take in that time.
const CODES = Number(process.env.BENCH_CODES ?? 1500);
const KEYCLOAK_PER_VCPU = { logins: 15, refreshes: 120 };
const REDIRECT_URI = 'https://rp.bench.example/callback';

interface Row {
  db: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
  nodeCpuMs: number;
  dbCpuMs: number | null;
}
const rows: Row[] = [];
let stats: PgStats | null = null;

/** The first refused answer of each scenario, printed: a benchmark of refusals measures nothing. */
const firstRefusals = new Map<string, string>();

async function scenario(db: string, name: string, opts: autocannon.Options): Promise<Row> {
  for (const request of opts.requests ?? []) {
    const own = request.onResponse;
    request.onResponse = (status, body, context, headers) => {
      if (status >= 300 && !firstRefusals.has(`${db} ${name}`)) firstRefusals.set(`${db} ${name}`, `${status} ${body.slice(0, 300)}`);
      if (typeof own === 'function') own(status, body, context, headers);
    };
  }
  const { dbSample, ...m } = await measure(opts, stats);
  const row: Row = { db, scenario: name, ...m, dbCpuMs: dbSample ? dbSample.cpuMs / Math.max(1, m.requests) : null };
  rows.push(row);
  return row;
}

/** One sequential chain per connection for DURATION seconds (each request needs the previous answer). */
async function chains(db: string, name: string, seeds: string[], step: (value: string) => Promise<{ status: number; body: string; next: string }>): Promise<Row> {
  await stats?.reset();
  const cpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + DURATION * 1000;
  await Promise.all(
    seeds.map(async (seed) => {
      let value = seed;
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          const answer = await step(value);
          latencies.push(performance.now() - t0);
          if (answer.status >= 300) {
            non2xx++;
            if (!firstRefusals.has(`${db} ${name}`)) firstRefusals.set(`${db} ${name}`, `${answer.status} ${answer.body.slice(0, 300)}`);
            return;
          }
          value = answer.next;
        } catch {
          errors++;
          return;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
  const sample = (await stats?.read()) ?? null;
  const row: Row = {
    db,
    scenario: name,
    rps: Math.round(latencies.length / seconds),
    p50: pct(0.5),
    p99: pct(0.99),
    non2xx,
    errors,
    requests: latencies.length,
    nodeCpuMs: cpuMs(cpu) / Math.max(1, latencies.length),
    dbCpuMs: sample ? sample.cpuMs / Math.max(1, latencies.length) : null,
  };
  rows.push(row);
  return row;
}

/** The browser through the provider and the interaction API (sign-in and consent) to the service's redirect URI. */
async function authorize(server: TestServer, rp: RelyingParty, browser: Browser, params: Record<string, string>) {
  const start = await authorizationUrl(rp, params);
  let page = await browser.follow(start.url.href, rp.redirectUri);
  for (let steps = 0; steps < 4 && !page.url.startsWith(rp.redirectUri); steps++) {
    const uid = interactionUid(page.url);
    const details = await browser.fetch(`/api/v1/interactions/${uid}`);
    const step = details.body.prompt.name === 'login' ? await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST' }) : await browser.fetch(`/api/v1/interactions/${uid}/consent`, { method: 'POST', body: { approve: true } });
    if (step.status !== 200) throw new Error(`interaction step answered ${step.status}: ${JSON.stringify(step.body)}`);
    page = await browser.follow(new URL(step.body.redirectTo, server.url).href, rp.redirectUri);
  }
  const callback = new URL(page.url);
  if (!callback.searchParams.get('code')) throw new Error(`no code: ${page.url}`);
  return { ...start, callback };
}

const form = (values: Record<string, string>) => new URLSearchParams(values).toString();

async function benchDatabase(kind: 'pglite' | 'postgres', pg?: { url: string; dataDir: string | null }) {
  if (pg) process.env.DATABASE_URL = pg.url;
  else delete process.env.DATABASE_URL;
  const server = await startOidcTestServer({ LOG_LEVEL: 'silent' });
  try {
    stats = pg?.dataDir ? await PgStats.open(pg.url, pg.dataDir) : null;
    const floorApp = Fastify();
    floorApp.get('/floor', async () => ({ ok: true }));
    const floorUrl = await floorApp.listen({ port: 0, host: '127.0.0.1' });

    const client = await new ClientService(server.ctx.db, server.config).create({ name: 'Bench service', redirectUris: [REDIRECT_URI], scopes: ['openid', 'profile', 'phone', 'offline_access'] }, 'system');
    const rp = await relyingParty(server, { ...client, redirectUri: REDIRECT_URI });
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`;
    const tokenHeaders = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
    await scenario(kind, 'floor: bare route', { url: `${floorUrl}/floor`, connections: CONNECTIONS, duration: DURATION });

    // A code used twice, or a rotated refresh token used again, revokes its whole grant (oidc-provider's
    // replay defence): each refresh chain is another citizen's grant, so one broken chain stops only itself.
    const initialRefresh: string[] = [];
    const accessTokens: string[] = [];
    for (let c = 0; c < CONNECTIONS; c++) {
      const browser = new Browser(server);
      await browser.signIn((await citizenWithDigitalId(server)).phone);
      const flow = await authorize(server, rp, browser, { scope: 'openid profile offline_access', prompt: 'consent' });
      const tokens = await oidc.authorizationCodeGrant(rp.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
      if (!tokens.refresh_token) throw new Error('no refresh token');
      initialRefresh.push(tokens.refresh_token);
      accessTokens.push(tokens.access_token);
    }

    let user = 0;
    await scenario(kind, 'userinfo', {
      url: server.url,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [{ method: 'GET', path: '/oidc/me', setupRequest: (req) => ({ ...req, headers: { authorization: `Bearer ${accessTokens[user++ % accessTokens.length]}` } }) }],
    });

    // Rotated refresh tokens: each answer carries the next token, so every connection is a chain of its own
    // (autocannon prepares a connection's next request before it hands over the answer).
    await chains(kind, 'token: refresh (rotated)', initialRefresh, async (refresh) => {
      const res = await fetch(`${server.url}/oidc/token`, { method: 'POST', headers: tokenHeaders, body: form({ grant_type: 'refresh_token', refresh_token: refresh }) });
      const body = await res.text();
      return { status: res.status, body, next: res.status === 200 ? (JSON.parse(body) as { refresh_token: string }).refresh_token : refresh };
    });

    // Codes for the exchange: the session and the grant exist, so each authorization redirects at once.
    const browser = new Browser(server);
    await browser.signIn((await citizenWithDigitalId(server)).phone);
    await authorize(server, rp, browser, { scope: 'openid profile' });
    const codes: Array<{ code: string; verifier: string }> = [];
    const made = Date.now();
    for (let i = 0; i < CODES && Date.now() - made < 30_000; i++) {
      const start = await authorizationUrl(rp, { scope: 'openid profile' });
      const page = await browser.follow(start.url.href, REDIRECT_URI);
      const code = new URL(page.url).searchParams.get('code');
      if (!code) throw new Error(`no code without interaction: ${page.url}`);
      codes.push({ code, verifier: start.verifier });
    }
    const authorizeRate = codes.length / ((Date.now() - made) / 1000);
    let next = 0;
    await scenario(kind, `token: code exchange (${codes.length} codes)`, {
      url: server.url,
      connections: CONNECTIONS,
      amount: codes.length,
      requests: [
        {
          method: 'POST',
          path: '/oidc/token',
          setupRequest: (req) => {
            // Never a code twice (that would revoke the grant): past the last, an unknown one.
            const c = codes[next++] ?? { code: 'spent', verifier: 'spent' };
            return { ...req, headers: tokenHeaders, body: form({ grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT_URI, code_verifier: c.verifier }) };
          },
        },
      ],
    });
    console.log(`${kind}: ${codes.length} authorizations without interaction (session and grant in place) at ${authorizeRate.toFixed(0)}/s, one at a time`);
    await floorApp.close();
    await stats?.close();
    stats = null;
  } finally {
    await server.close();
  }
}

console.log(benchHeader('bench:oidc', CONNECTIONS, DURATION));
await benchDatabase('pglite');
const postgres = await benchPostgres(null);
if (postgres.note) console.log(postgres.note);
try {
  if (postgres.server) await benchDatabase('postgres', postgres.server);
} finally {
  postgres.own?.destroy();
}

const perCore = (r: Row) => 1000 / (r.nodeCpuMs + (r.dbCpuMs ?? 0));
printTable<Row>(
  [
    { title: 'database', value: (r) => r.db },
    { title: 'scenario', value: (r) => r.scenario },
    { title: 'req/s', numeric: true, value: (r) => r.rps },
    { title: 'p50 ms', numeric: true, value: (r) => r.p50 },
    { title: 'p99 ms', numeric: true, value: (r) => r.p99 },
    { title: '% of floor', numeric: true, value: (r) => percentOfFloor(rows, r) },
    { title: 'non-2xx', numeric: true, value: (r) => r.non2xx },
    { title: 'errors', numeric: true, value: (r) => r.errors },
    { title: 'Node CPU ms/req', numeric: true, value: (r) => r.nodeCpuMs.toFixed(2) },
    { title: 'PostgreSQL CPU ms/req', numeric: true, value: (r) => (r.dbCpuMs === null ? '—' : r.dbCpuMs.toFixed(2)) },
    { title: 'req/s per core', numeric: true, value: (r) => Math.round(perCore(r)) },
  ],
  rows,
);
for (const [scenarioName, answer] of firstRefusals) console.log(`first refusal in ${scenarioName}: ${answer}`);
console.log(`\nPer core against Keycloak's sizing anchor (per vCPU: ${KEYCLOAK_PER_VCPU.logins} password logins/s, ${KEYCLOAK_PER_VCPU.refreshes} refresh-token requests/s):`);
for (const r of rows.filter((x) => !x.scenario.startsWith('floor'))) {
  const anchor = r.scenario.includes('refresh') ? KEYCLOAK_PER_VCPU.refreshes : r.scenario.includes('code') ? KEYCLOAK_PER_VCPU.logins : null;
  if (anchor === null) continue;
  console.log(`  ${r.db} ${r.scenario}: ${Math.round(perCore(r))}/s per core = ${(perCore(r) / anchor).toFixed(1)}× Keycloak's ${anchor}/s`);
}
console.log(
  "  Per core = 1000 / (Node CPU + PostgreSQL CPU per request); Node's share includes the load generator in the same process, so it overstates the provider's cost." +
    " Keycloak's login includes the password check; the code exchange here is the token half of a sign-in (the SMS code or passkey check is measured by bench:api).",
);
process.exit(rows.some((r) => r.errors > 0 || (r.non2xx > 0 && !r.scenario.startsWith('floor'))) ? 1 : 0);
