// npm run bench:api — the registration steps under load (start → code → IIN) and sign-in, on PGlite and
// on PostgreSQL, beside a floor measured in the same run: a bare Fastify route doing one INSERT on the
// same database. Prints req/s and latency percentiles; then start at a fixed 300 req/s for p99.
// The load comes from a child process (bench/support/load-process.ts), so this process holds only the
// app (on PGlite with its embedded database): its CPU per request ("Node CPU") and its event-loop delay
// are the app's alone, the load generator's CPU is printed apart, and the app's CPU with no request
// coming (pg-boss polling, timers) is measured first and shown as "of which idle".
// The fixed rate is paced (bench/support/load-paced.ts): one request every 1/300 s, open loop, latency
// from each request's scheduled time; beside it, autocannon's overallRate (each second's 300 requests
// sent together at the second's start: a burst's drain, not a steady rate), and for both the arrivals at
// the app per 10 ms. Before them the app settles (the SMS worker finishes the earlier scenarios' texts).
// On PostgreSQL it also prints what each step cost the database (bench/pg-stats.ts): statements per
// request (round trips), pg_stat_statements execution time, the server's CPU and WAL per request, and
// from these an estimate of the registrations per second one 32-core server would carry. For that it
// starts a PostgreSQL 15 of its own (pg_stat_statements needs shared_preload_libraries, a server
// restart, and the CPU of the server's processes must be the benchmark's alone); BENCH_DATABASE_URL
// uses an existing server instead (then without the database's side). BENCH_PG_TRACK=all lists the
// statements inside the step functions too (pg_stat_statements.track; the statements per request then
// count them), BENCH_PG_TOP=n the n most expensive statements of each scenario (5).
// Env: BENCH_SECONDS (8), BENCH_CONNECTIONS (32); BENCH_ONLY=floor,start,… runs only the scenarios
// named (by the start of their keys: floor, start, code, iin, signin-start, signin-resend, signin-code,
// profile, fixed, burst; what a named one needs runs unrecorded first; the diagnostic `ceiling`, a start's
// required writes alone in one statement (bench/support/start-ceiling.ts), runs only when named); BENCH_DB=pglite|postgres runs
// one database; BENCH_CPU_PROFILE=dir writes the app process's CPU profile of each scenario there;
// BENCH_ARRIVALS=poisson paces the fixed rate as a Poisson process instead of a constant interval;
// BENCH_COMPARE_LOAD=1 runs each scenario a second time straight after the first with the load generated
// in this process, as this benchmark did before (its CPU then counted as the app's; once-only requests
// such as codes are split between the two).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { makeIin } from '../src/iin/iin.rules.js';
import { upsertPerson } from '../src/registry/registry.store.js';
import { createPostgresDatabase } from '../test/support/test-database.js';
import { openBody } from '../src/sms/sms.body.js';
import { PgStats, type DbSample } from './pg-stats.js';
import { idleCpu, ownCpuMs, profiler } from './support/app-cpu.js';
import { arrivalRecorder, type ArrivalSpread } from './support/arrivals.js';
import { benchHeader, benchPostgres, printTable, scenarioColumns } from './support/load.js';
import { measureLoad, type LoadPlan, type ProcessMeasured, type RequestSpec, type RequestVariant } from './support/load-process.js';
import { benchSignin } from './signin.bench.js';
import { registerStartCeiling, START_CEILING_PATH } from './support/start-ceiling.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
const COMPARE_LOAD = process.env.BENCH_COMPARE_LOAD === '1';
const ARRIVALS = process.env.BENCH_ARRIVALS === 'poisson' ? 'poisson' : 'constant';
const IN_PROCESS = ' [load in this process]';
const FIXED_RATE = 300;
/** Connections of the fixed-rate scenarios: enough that a steady 300/s never waits for one. */
const FIXED_CONNECTIONS = 64;
const SHARED_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Share of a server's CPU the estimate plans to use: headroom for peaks, vacuum and checkpoints. */
const PLANNED_CPU_SHARE = 0.7;
const PLANNED_CORES = 32;

const KEYS = ['floor', 'ceiling', 'start', 'code', 'iin', 'signin-start', 'signin-resend', 'signin-code', 'profile', 'fixed', 'burst'] as const;
export type ScenarioKey = (typeof KEYS)[number];
/** Diagnostic scenarios: run only when BENCH_ONLY names them. */
const DIAGNOSTIC: readonly ScenarioKey[] = ['ceiling'];
/** What a scenario's requests need done before them (run unrecorded when only the later one is asked for). */
const NEEDS: Partial<Record<ScenarioKey, ScenarioKey>> = { 'signin-start': 'iin', 'signin-resend': 'signin-start', 'signin-code': 'signin-start', profile: 'signin-code' };
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()).filter(Boolean) : null;
for (const token of ONLY ?? []) if (!KEYS.some((k) => k.startsWith(token))) throw new Error(`BENCH_ONLY: no scenario key starts with "${token}" (keys: ${KEYS.join(', ')})`);
const DATABASES = (['pglite', 'postgres'] as const).filter((db) => !process.env.BENCH_DB || process.env.BENCH_DB === db);
if (DATABASES.length === 0) throw new Error(`BENCH_DB: pglite or postgres, not "${process.env.BENCH_DB}"`);

const selected = (key: ScenarioKey) => (ONLY ? ONLY.some((token) => key.startsWith(token)) : !DIAGNOSTIC.includes(key));
/** Whether a scenario runs: asked for, or needed by one that runs. */
const runs = (key: ScenarioKey): boolean => selected(key) || KEYS.some((k) => NEEDS[k] === key && runs(k));

interface Row extends Omit<ProcessMeasured, 'firstRefusal' | 'collected'> {
  db: string;
  scenario: string;
  key: ScenarioKey;
  /** The app process's CPU with no request coming, ms per second (measured before the database's scenarios). */
  idleMsPerSecond: number;
  arrivals: ArrivalSpread | null;
}
const rows: Row[] = [];
/** The first refused answer of each scenario, printed: a benchmark of refusals measures nothing. */
const firstRefusals = new Map<string, string>();
/** Shutdown right after load: how long `close()` took, and anything that failed after it returned. */
const shutdowns: Array<{ db: string; ms: number }> = [];
/** How long the app took to settle before the fixed-rate scenarios. */
const settles: string[] = [];
const lateFailures: string[] = [];
process.on('unhandledRejection', (reason) => lateFailures.push(reason instanceof Error ? reason.message : String(reason)));

let stats: PgStats | null = null;

/** The database a scenario runs on, and the app process's CPU there with no request coming, ms per second. */
export interface BenchDb {
  db: 'pglite' | 'postgres';
  idleMsPerSecond: number;
}

/** Where each scenario's load comes from: the child process; with BENCH_COMPARE_LOAD then straight after it this process. */
const LOADS = COMPARE_LOAD ? [false, true] : [false];

/** The part of a pool of once-only requests (codes, IINs, sign-ins) a load sends: all, or when comparing one half each. */
export function share<T>(items: T[], load: number): T[] {
  if (LOADS.length === 1) return items;
  const half = Math.ceil(items.length / 2);
  return load === 0 ? items.slice(0, half) : items.slice(half);
}

/**
 * Runs one scenario's plan under each load (`plan(load)`: 0 from the child, 1 from this process) and
 * records the rows when the scenario was asked for (else it only prepares a later one). Before a
 * fixed-rate run the app settles first.
 */
async function scenario(on: BenchDb, key: ScenarioKey, name: string, plan: (load: number) => LoadPlan, options: { arrivalsAt?: RunningServer; settle?: boolean } = {}): Promise<ProcessMeasured[]> {
  const recorded = selected(key);
  const out: ProcessMeasured[] = [];
  for (const [load, inProcess] of LOADS.entries()) {
    const rowName = inProcess ? name + IN_PROCESS : name;
    if (options.settle) await settle(on, rowName);
    const arrivals = recorded && options.arrivalsAt ? arrivalRecorder(options.arrivalsAt.app.server) : null;
    const around = recorded ? [...profiler(PROFILE_DIR, `${on.db}-${rowName}`), ...(arrivals ? [arrivals] : [])] : [];
    const loadPlan = plan(load);
    const measured = await measureLoad(loadPlan, stats, { inProcess, around });
    // Numbered requests used their numbers (phones): later ones follow.
    if ('numberedFrom' in loadPlan && loadPlan.numberedFrom !== undefined) phoneSeq += measured.sent;
    if (recorded) {
      const { firstRefusal, collected: _collected, ...m } = measured;
      if (firstRefusal && key !== 'floor') firstRefusals.set(`${on.db} ${rowName}`, firstRefusal);
      rows.push({ db: on.db, scenario: rowName, key, ...m, idleMsPerSecond: on.idleMsPerSecond, arrivals: arrivals?.spread() ?? null });
    }
    out.push(measured);
  }
  return out;
}

/** Waits until the app's CPU is back near its idle level (the SMS worker done with earlier scenarios' texts), at most a minute. */
async function settle(on: BenchDb, before: string): Promise<void> {
  const started = Date.now();
  let busy = Infinity;
  while (Date.now() - started < 60_000 && (busy = await idleCpu(0.5)) > on.idleMsPerSecond + 50);
  settles.push(`${on.db} before ${before}: ${((Date.now() - started) / 1000).toFixed(1)} s (then ${busy.toFixed(0)} ms/s of CPU, idle ${on.idleMsPerSecond.toFixed(0)})`);
}

// Citizens come from many addresses (a proxy in front says which: TRUST_PROXY below). From one
// address, the per-address counts would grow with every request of the run: a benchmark artefact.
let addressSeq = 0;
function json(extra: Record<string, string> = {}): Record<string, string> {
  addressSeq++;
  return { 'content-type': 'application/json', 'x-forwarded-for': `10.${(addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255}`, ...extra };
}

// Phone numbers of this run: +7701 and 7 digits, from a base that differs between runs.
const PHONE_BASE = (Date.now() % 1000) * 10000;
let phoneSeq = 0;
function nextPhone(): string {
  return `+7701${String((PHONE_BASE + phoneSeq++) % 1e7).padStart(7, '0')}`;
}

/** Registrations started, each with a phone of its own (numbered in the load generator) from an address of its own. */
function starts(url: string): RequestSpec {
  return {
    url,
    method: 'POST',
    path: '/api/v1/registrations',
    variants: [{ headers: { 'content-type': 'application/json', 'x-forwarded-for': '{address}' }, body: '{"phone":"+7701{n}"}' }],
    cycle: true,
    numberedFrom: PHONE_BASE + phoneSeq,
  };
}

/** A setup request; once more when a kept-alive connection was reset under load (a repeat is harmless here). */
async function post(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

async function prepareVerified(server: RunningServer, n: number, verify: boolean) {
  const out: Array<{ id: string; token: string; phone: string; code: string }> = [];
  for (let i = 0; i < n; i++) {
    const phone = nextPhone();
    const res = await post(`${server.url}/api/v1/registrations`, { method: 'POST', headers: json(), body: JSON.stringify({ phone }) });
    const body = (await res.json()) as { id: string; token: string };
    out.push({ id: body.id, token: body.token, phone, code: '' });
  }
  const messages = await server.ctx.db.selectFrom('sms_messages').select(['id', 'phone', 'body_encrypted']).where('purpose', '=', 'otp').execute();
  // Texts are stored encrypted (sms.body.ts): the benchmark holds the key, as the dev outbox does.
  // Only the texts of the phones started here: the ceiling's rows hold random bytes, not a sealed text.
  const started = new Set(out.map((r) => r.phone));
  const codeByPhone = new Map(
    messages.filter((m) => started.has(m.phone)).map((m) => [m.phone, /\b(\d{6})\b/.exec(openBody(server.ctx.config.encryptionKey, m) ?? '')?.[1] ?? '']),
  );
  for (const r of out) r.code = codeByPhone.get(r.phone) ?? '';
  if (verify) {
    for (const r of out) {
      await post(`${server.url}/api/v1/registrations/${r.id}/otp`, {
        method: 'POST',
        headers: json({ authorization: `Bearer ${r.token}` }),
        body: JSON.stringify({ code: r.code }),
      });
    }
  }
  return out;
}

async function benchDatabase(kind: 'pglite' | 'postgres', pgServer?: { url: string; dataDir: string | null }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-bench-'));
  const pgDb = pgServer ? await createPostgresDatabase(pgServer.url) : null;
  const databaseUrl = pgDb?.url;
  stats = pgDb && pgServer?.dataDir ? await PgStats.open(pgDb.url, pgServer.dataDir) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    TRUST_PROXY: '127.0.0.1',
    OTP_SEND_LIMIT_PER_IP: '1000000',
    OTP_SEND_LIMIT_PER_PHONE: '1000',
    IIN_ATTEMPTS_PER_IP_PER_DAY: '1000000',
    SIGNIN_SEND_LIMIT_PER_IP: '1000000',
    // The sign-in resend scenario asks for a new code at once.
    OTP_RESEND_COOLDOWN_SECONDS: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const server = await startServer(config, { seedDemo: false });

  // Floor: the cheapest possible write endpoint on the same database and connection pool.
  await sql`CREATE TABLE IF NOT EXISTS bench_floor (id uuid primary key, at timestamptz not null default now())`.execute(server.ctx.db);
  const floorApp = Fastify();
  floorApp.post('/floor', async () => {
    await server.ctx.db.insertInto('bench_floor' as any).values({ id: randomUUID() } as any).execute();
    return { ok: true };
  });
  registerStartCeiling(floorApp, server.ctx.db, PHONE_BASE);
  const floorUrl = await floorApp.listen({ port: 0, host: '127.0.0.1' });
  const on: BenchDb = { db: kind, idleMsPerSecond: await idleCpu(3) };
  const asFastAsPossible = { kind: 'requests', connections: CONNECTIONS } as const;
  /** Each item's request once, as fast as the connections carry them. */
  const onceEach = <T>(items: T[], request: (item: T) => RequestVariant): LoadPlan => ({ ...asFastAsPossible, amount: items.length, url: server.url, method: 'POST', path: '/', variants: items.map(request), cycle: false });

  if (runs('floor')) await scenario(on, 'floor', 'floor: bare INSERT', () => ({ ...asFastAsPossible, seconds: DURATION, url: `${floorUrl}/floor`, method: 'POST', path: '/floor', variants: [{ headers: {} }], cycle: true }));
  if (runs('ceiling')) {
    const ceiling = "ceiling (diagnostic): a start's required writes, bare route, one statement";
    await scenario(on, 'ceiling', ceiling, () => ({ ...asFastAsPossible, seconds: DURATION, url: `${floorUrl}${START_CEILING_PATH}`, method: 'POST', path: START_CEILING_PATH, variants: [{ headers: {} }], cycle: true }));
  }

  const startRate = runs('start') ? (await scenario(on, 'start', 'start (phone → SMS queued)', () => ({ ...asFastAsPossible, seconds: DURATION, ...starts(server.url) })))[0].rps : 500;
  // Codes and IINs are each used once: about as many as a run of the start's rate answers (for each load when comparing).
  const n = Math.min(4000, Math.max(500, Math.round(startRate * DURATION * 0.8))) * LOADS.length;

  if (runs('code')) {
    const pending = await prepareVerified(server, n, false);
    await scenario(on, 'code', 'code (OTP check)', (load) =>
      onceEach(share(pending, load), (r) => ({ path: `/api/v1/registrations/${r.id}/otp`, headers: json({ authorization: `Bearer ${r.token}` }), body: JSON.stringify({ code: r.code }) })),
    );
  }

  if (runs('iin')) {
    const verified = await prepareVerified(server, n, true);
    // one IIN per registration: bind each phone to its IIN
    const iinPool = verified.map((r, k) => ({ ...r, iin: makeIin(`19${String(50 + (k % 50)).padStart(2, '0')}-0${1 + (k % 9)}-1${k % 10}`, 'M', 1 + Math.floor(k / 450)) }));
    for (const r of iinPool) {
      await upsertPerson(server.ctx.db, config.encryptionKey, { iin: r.iin, lastName: 'Test', firstName: 'Bench', middleName: null, birthDate: `19${r.iin.slice(0, 2)}-${r.iin.slice(2, 4)}-${r.iin.slice(4, 6)}`, sex: 'M' });
      await server.ctx.registry.bindPhone(r.phone, r.iin);
    }
    await scenario(on, 'iin', 'IIN (registry + BMG check)', (load) =>
      onceEach(share(iinPool, load), (r) => ({ path: `/api/v1/registrations/${r.id}/iin`, headers: json({ authorization: `Bearer ${r.token}` }), body: JSON.stringify({ iin: r.iin }) })),
    );
    if (runs('signin-start')) await benchSignin(server, iinPool, { on, connections: CONNECTIONS, duration: DURATION, scenario, share, runs, json });
  }

  if (runs('fixed')) {
    const fixed = `start at a fixed ${FIXED_RATE} req/s (paced, ${ARRIVALS === 'constant' ? 'constant interval' : 'Poisson arrivals'})`;
    await scenario(on, 'fixed', fixed, () => ({ kind: 'paced', rate: FIXED_RATE, seconds: DURATION, arrivals: ARRIVALS, connections: FIXED_CONNECTIONS, ...starts(server.url) }), { arrivalsAt: server, settle: true });
  }
  if (runs('burst')) {
    const burst = `start at ${FIXED_RATE} req/s, autocannon overallRate (bursts)`;
    await scenario(on, 'burst', burst, () => ({ kind: 'requests', connections: FIXED_CONNECTIONS, seconds: DURATION, overallRate: FIXED_RATE, ...starts(server.url) }), { arrivalsAt: server, settle: true });
  }

  await floorApp.close();
  // Straight after the load, with SMS still queued: the same order as on SIGTERM (src/server.ts).
  const closeStarted = Date.now();
  await server.close();
  shutdowns.push({ db: kind, ms: Date.now() - closeStarted });
  fs.rmSync(dataDir, { recursive: true, force: true });
  await stats?.close();
  stats = null;
  await pgDb?.drop();
}

/** The fixed-rate rows: the rate kept, latency from the schedule, and how the requests arrived at the app. */
function printFixedRate(): void {
  const fixed = rows.filter((r) => r.key === 'fixed' || r.key === 'burst');
  if (fixed.length === 0) return;
  console.log(`\nFixed rate (${FIXED_RATE} req/s asked; the app settled first: ${settles.join('; ')}):`);
  for (const r of fixed) {
    const reached = r.rps >= 0.97 * FIXED_RATE ? 'rate reached' : 'rate NOT reached';
    const p = r.pacing;
    const timing = p
      ? `sent ${p.sentRate}/s, answered ${r.rps}/s (${reached}); latency from the scheduled time p50 ${r.p50} / p99 ${r.p99} / p99.9 ${p.p999} ms (p99 from the send ${p.p99FromSend} ms); ${p.late} of ${r.sent} sent more than ${p.lateAfterMs.toFixed(1)} ms late (most ${p.maxLagMs.toFixed(1)} ms), ${p.unanswered} unanswered, ${p.connections} connections`
      : `answered ${r.rps}/s (${reached}); latency from each request's send p50 ${r.p50} / p99 ${r.p99} ms`;
    const a = r.arrivals;
    const spread = a
      ? `arrivals at the app per 10 ms: mean ${a.mean.toFixed(1)}, p99 ${a.p99}, most ${a.max}; ${Math.round(100 * a.emptyShare)} % of 10 ms spans empty; the busiest tenth of the spans got ${Math.round(100 * a.busiestTenthShare)} % of the requests`
      : 'arrivals not recorded';
    console.log(`  ${r.db} ${r.scenario}: ${timing}\n    ${spread}`);
  }
}

/** Per request: statements (round trips), their execution time, the server's CPU and WAL; then the 32-core estimate. */
function printDatabaseSide(): void {
  const measured = rows.filter((r) => r.dbSample);
  if (measured.length === 0) return;
  const per = (r: Row, v: number) => v / Math.max(1, r.requests);
  console.log('\nPostgreSQL, per request (pg_stat_statements; server CPU from /proc; background = SMS worker and pg-boss beside the requests):');
  console.log('| scenario | requests | statements | DB exec ms | background statements | background exec ms | server CPU ms | WAL bytes |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of measured) {
    const d = r.dbSample!;
    console.log(
      `| ${r.scenario} | ${r.requests} | ${per(r, d.request.calls).toFixed(2)} | ${per(r, d.request.ms).toFixed(3)} | ${per(r, d.background.calls).toFixed(2)} | ${per(r, d.background.ms).toFixed(3)} | ${per(r, d.cpuMs).toFixed(3)} | ${Math.round(per(r, d.walBytes))} |`,
    );
  }
  for (const r of measured.filter((m) => !m.scenario.startsWith('floor'))) {
    console.log(`\n${r.scenario}: top statements by execution time`);
    for (const t of r.dbSample!.top) console.log(`  ${per(r, t.calls).toFixed(2)}×/req ${per(r, t.ms).toFixed(3)} ms/req  ${t.query}`);
  }
  const step = (prefix: string) => measured.find((r) => r.scenario.startsWith(prefix));
  const steps = [step('start ('), step('code'), step('IIN')];
  if (steps.some((s) => !s)) return;
  const cpuMs = steps.reduce((sum, r) => sum + per(r!, r!.dbSample!.cpuMs), 0);
  const walBytes = steps.reduce((sum, r) => sum + per(r!, r!.dbSample!.walBytes), 0);
  const rate = (PLANNED_CORES * 1000 * PLANNED_CPU_SHARE) / cpuMs;
  console.log(
    `\nOne registration's start + code + IIN cost the server ${cpuMs.toFixed(2)} ms of CPU and ${Math.round(walBytes)} bytes of WAL` +
      ` → one ${PLANNED_CORES}-core PostgreSQL at ${PLANNED_CPU_SHARE * 100} % CPU: ~${Math.round(rate)} registrations/s (${Math.round(rate * 3)} step requests/s, ${((rate * walBytes) / 1e6).toFixed(1)} MB/s of WAL).`,
  );
  console.log(
    '  Assumes: CPU-bound (WAL on storage that keeps up, the working set in memory), per-core cost as measured here (this machine is shared and loaded: the cores of a dedicated server are faster),' +
      ' enough app servers in front (stateless: see test/two-processes.db.test.ts), the registry embedded (an HTTP registry moves that lookup off the database); video checks and moderation not included.',
  );
}

async function postgresReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

console.log(benchHeader('bench:api', CONNECTIONS, DURATION));
if (DATABASES.includes('pglite')) await benchDatabase('pglite');
if (DATABASES.includes('postgres')) {
  const postgres = await benchPostgres(SHARED_PG_URL);
  if (postgres.note) console.log(postgres.note);
  try {
    if (postgres.server && (await postgresReachable(postgres.server.url))) await benchDatabase('postgres', postgres.server);
    else console.log(`PostgreSQL not reachable at ${postgres.server?.url}: skipped`);
  } finally {
    postgres.own?.destroy();
  }
}

printTable<Row>(
  [
    ...scenarioColumns(rows),
    { title: 'errors', numeric: true, value: (r) => r.errors },
    { title: 'non-2xx', numeric: true, value: (r) => r.non2xx },
    { title: 'Node CPU ms/req', numeric: true, value: (r) => r.nodeCpuMs.toFixed(2) },
    { title: 'of which idle work', numeric: true, value: (r) => (r.nodeCpuMs - ownCpuMs(r)).toFixed(2) },
    { title: 'event-loop delay p99 ms', numeric: true, value: (r) => r.loopDelayP99.toFixed(1) },
    { title: 'load generator CPU ms/req', numeric: true, value: (r) => (r.scenario.endsWith(IN_PROCESS) ? 'in the app' : r.loadCpuMs.toFixed(2)) },
  ],
  rows,
);
console.log(
  '\nNode CPU and event-loop delay are the app process\'s (on PGlite with its database); the load generator runs in a child process' +
    ` (rows marked${IN_PROCESS} generate it in the app's process, as this benchmark did before, and count its CPU as the app's).`,
);
for (const [scenarioName, answer] of firstRefusals) console.log(`first refusal in ${scenarioName}: ${answer}`);
printFixedRate();
printDatabaseSide();
// Late completions would surface as unhandled rejections within a moment of the close.
await new Promise((resolve) => setTimeout(resolve, 1000));
console.log(`\nshutdown after load: ${shutdowns.map((s) => `${s.db} ${s.ms} ms`).join(', ')}; unhandled rejections: ${lateFailures.length}${lateFailures.length ? ` (${lateFailures.join('; ')})` : ''}`);
process.exit(lateFailures.length > 0 ? 1 : 0);
