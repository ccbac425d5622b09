// npm run bench:oidc — the OpenID Connect provider under load, on PGlite and on PostgreSQL: the token
// endpoint exchanging authorization codes (PKCE, client_secret_basic, a signed ID token each) and
// refreshing (rotated refresh tokens: each connection follows its own chain), and userinfo, beside a
// floor measured in the same run: a bare Fastify route in the same process. The load comes from a child
// process (bench/support/load-process.ts), so this process's CPU is the app's alone (on PGlite with its
// embedded database). Prints req/s and latency percentiles, CPU per request (Node: the app; the load
// generator's apart; PostgreSQL: every process of its server, bench/pg-stats.ts) and from these the
// requests one core carries, set against Keycloak's sizing anchor (per vCPU: 15 password logins/s,
// 120 refresh-token requests/s).
// Env: BENCH_SECONDS (8), BENCH_CONNECTIONS (16), BENCH_CODES (1500); BENCH_DATABASE_URL uses an existing
// PostgreSQL instead of starting one of our own; BENCH_ONLY=pglite|postgres runs one database;
// BENCH_CPU_PROFILE=dir writes the app process's CPU profile of each scenario there (.cpuprofile);
// BENCH_COMPARE_LOAD=1 runs every scenario a second time with the load generated in this process, as
// this benchmark did before (its CPU then counted as the app's), so the two compare within one run.
import Fastify from 'fastify';
import * as oidc from 'openid-client';
import { ClientService } from '../src/oidc/oidc-client.service.js';
import { citizenWithDigitalId } from '../test/support/citizen-session.js';
import { authorizationUrl, Browser, interactionUid, relyingParty, startOidcTestServer, type RelyingParty } from '../test/support/oidc-rp.js';
import type { TestServer } from '../test/support/test-server.js';
import { PgStats } from './pg-stats.js';
import { idleCpu, ownCpuMs, profiler } from './support/app-cpu.js';
import { benchHeader, benchPostgres, printTable, scenarioColumns } from './support/load.js';
import { measureLoad, type LoadPlan, type ProcessMeasured } from './support/load-process.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
// Codes live 60 s: made just before the exchange, as many as it can take in that time.
const CODES = Number(process.env.BENCH_CODES ?? 1500);
const ONLY = process.env.BENCH_ONLY;
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
const COMPARE_LOAD = process.env.BENCH_COMPARE_LOAD === '1';
const IN_PROCESS = ' [load in this process]';
const KEYCLOAK_PER_VCPU = { logins: 15, refreshes: 120 };
const REDIRECT_URI = 'https://rp.bench.example/callback';

interface Row extends Omit<ProcessMeasured, 'firstRefusal' | 'dbSample'> {
  db: string;
  scenario: string;
  /** This process's CPU when no request comes (pg-boss polling, timers), ms per second, measured before the database's scenarios. */
  idleMsPerSecond: number;
  dbCpuMs: number | null;
}
const rows: Row[] = [];
let stats: PgStats | null = null;

/** The first refused answer of each scenario, printed: a benchmark of refusals measures nothing. */
const firstRefusals = new Map<string, string>();

let idleMsPerSecond = 0;

async function scenario(db: string, name: string, plan: LoadPlan, inProcessPlan: LoadPlan = plan): Promise<void> {
  for (const inProcess of COMPARE_LOAD ? [false, true] : [false]) {
    const rowName = inProcess ? name + IN_PROCESS : name;
    const { dbSample, firstRefusal, ...m } = await measureLoad(inProcess ? inProcessPlan : plan, stats, { inProcess, around: profiler(PROFILE_DIR, `${db}-${rowName}`) });
    if (firstRefusal && !name.startsWith('floor')) firstRefusals.set(`${db} ${rowName}`, firstRefusal);
    rows.push({ db, scenario: rowName, ...m, idleMsPerSecond, dbCpuMs: dbSample ? dbSample.cpuMs / Math.max(1, m.requests) : null });
  }
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
    idleMsPerSecond = await idleCpu(3);
    await scenario(kind, 'floor: bare route', { kind: 'requests', url: floorUrl, connections: CONNECTIONS, seconds: DURATION, method: 'GET', path: '/floor', variants: [{ headers: {} }], cycle: true });

    // A code used twice, or a rotated refresh token used again, revokes its whole grant (oidc-provider's
    // replay defence): each refresh chain is another citizen's grant, so one broken chain stops only itself.
    const initialRefresh: string[] = [];
    const accessTokens: string[] = [];
    for (let c = 0; c < (COMPARE_LOAD ? 2 : 1) * CONNECTIONS; c++) {
      const browser = new Browser(server);
      await browser.signIn((await citizenWithDigitalId(server)).phone);
      const flow = await authorize(server, rp, browser, { scope: 'openid profile offline_access', prompt: 'consent' });
      const tokens = await oidc.authorizationCodeGrant(rp.config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce, expectedState: flow.state });
      if (!tokens.refresh_token) throw new Error('no refresh token');
      initialRefresh.push(tokens.refresh_token);
      accessTokens.push(tokens.access_token);
    }

    await scenario(kind, 'userinfo', {
      kind: 'requests',
      url: server.url,
      connections: CONNECTIONS,
      seconds: DURATION,
      method: 'GET',
      path: '/oidc/me',
      variants: accessTokens.slice(0, CONNECTIONS).map((token) => ({ headers: { authorization: `Bearer ${token}` } })),
      cycle: true,
    });

    // Rotated refresh tokens: each answer carries the next token, so every connection is a chain of its own.
    // Each of the two runs (when comparing) follows chains of its own: a spent token would revoke its grant.
    const chainsOf = (seeds: string[]): LoadPlan => ({ kind: 'refresh-chains', url: `${server.url}/oidc/token`, headers: tokenHeaders, seeds, seconds: DURATION });
    await scenario(kind, 'token: refresh (rotated)', chainsOf(initialRefresh.slice(0, CONNECTIONS)), chainsOf(initialRefresh.slice(CONNECTIONS)));

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
    // Never a code twice (that would revoke the grant): past the last, an unknown one.
    const exchange = (c: { code: string; verifier: string }) => ({
      headers: tokenHeaders,
      body: form({ grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT_URI, code_verifier: c.verifier }),
    });
    // When comparing, each run exchanges half of the codes.
    const exchanges = (list: typeof codes): LoadPlan => ({
      kind: 'requests',
      url: server.url,
      connections: CONNECTIONS,
      amount: list.length,
      method: 'POST',
      path: '/oidc/token',
      variants: list.map(exchange),
      cycle: false,
      exhausted: exchange({ code: 'spent', verifier: 'spent' }),
    });
    const half = COMPARE_LOAD ? Math.floor(codes.length / 2) : codes.length;
    await scenario(kind, `token: code exchange (${half} codes)`, exchanges(codes.slice(0, half)), exchanges(codes.slice(half)));
    console.log(`${kind}: ${codes.length} authorizations without interaction (session and grant in place) at ${authorizeRate.toFixed(0)}/s, one at a time`);
    await floorApp.close();
    await stats?.close();
    stats = null;
  } finally {
    await server.close();
  }
}

console.log(benchHeader('bench:oidc', CONNECTIONS, DURATION));
if (ONLY !== 'postgres') await benchDatabase('pglite');
if (ONLY !== 'pglite') {
  const postgres = await benchPostgres(null);
  if (postgres.note) console.log(postgres.note);
  try {
    if (postgres.server) await benchDatabase('postgres', postgres.server);
  } finally {
    postgres.own?.destroy();
  }
}

/** Requests one core carries: what is left of a second after the idle work, over each request's own CPU (app and PostgreSQL). */
const perCore = (r: Row) => (1000 - r.idleMsPerSecond) / (ownCpuMs(r) + (r.dbCpuMs ?? 0));
printTable<Row>(
  [
    ...scenarioColumns(rows),
    { title: 'non-2xx', numeric: true, value: (r) => r.non2xx },
    { title: 'errors', numeric: true, value: (r) => r.errors },
    { title: 'app Node CPU ms/req', numeric: true, value: (r) => r.nodeCpuMs.toFixed(2) },
    { title: 'of which idle work', numeric: true, value: (r) => (r.nodeCpuMs - ownCpuMs(r)).toFixed(2) },
    { title: 'PostgreSQL CPU ms/req', numeric: true, value: (r) => (r.dbCpuMs === null ? '—' : r.dbCpuMs.toFixed(2)) },
    { title: 'req/s per core', numeric: true, value: (r) => Math.round(perCore(r)) },
    { title: 'load generator CPU ms/req', numeric: true, value: (r) => (r.scenario.endsWith(IN_PROCESS) ? 'in the app' : r.loadCpuMs.toFixed(2)) },
  ],
  rows,
);
for (const [scenarioName, answer] of firstRefusals) console.log(`first refusal in ${scenarioName}: ${answer}`);
console.log(`\nPer core against Keycloak's sizing anchor (per vCPU: ${KEYCLOAK_PER_VCPU.refreshes} refresh-token requests/s, ${KEYCLOAK_PER_VCPU.logins} password logins/s):`);
for (const r of rows) {
  const againstLogins = r.scenario.includes('code') ? `, ${(perCore(r) / KEYCLOAK_PER_VCPU.logins).toFixed(1)}× its ${KEYCLOAK_PER_VCPU.logins} logins/s` : '';
  console.log(`  ${r.db} ${r.scenario}: ${Math.round(perCore(r))}/s per core = ${(perCore(r) / KEYCLOAK_PER_VCPU.refreshes).toFixed(1)}× Keycloak's ${KEYCLOAK_PER_VCPU.refreshes} refreshes/s${againstLogins}`);
}
console.log(
  `  Per core = (1000 − the app's idle CPU, ${rows.map((r) => r.idleMsPerSecond).filter((v, i, a) => a.indexOf(v) === i).map((v) => v.toFixed(0)).join(' / ')} ms/s) / (app Node CPU per request − its idle share + PostgreSQL CPU per request):` +
    ' the load generator runs in a child process and is not counted (its CPU is shown apart; rows marked' + IN_PROCESS + ' count it, as this benchmark did before);' +
    ' on PGlite the database runs inside the app process and is counted in its Node CPU.' +
    " Keycloak's login includes the password check; the code exchange here is the token half of a sign-in (the SMS code or passkey check is measured by bench:api).",
);
process.exit(rows.some((r) => r.errors > 0 || (r.non2xx > 0 && !r.scenario.startsWith('floor'))) ? 1 : 0);
