// npm run bench:api — the registration steps under load (start → code → IIN), on PGlite and on
// PostgreSQL, beside a floor measured in the same run: a bare Fastify route doing one INSERT on the
// same database. Prints req/s and latency percentiles; then a fixed 300 req/s run for p99.
// On PostgreSQL it also prints what each step cost the database (bench/pg-stats.ts): statements per
// request (round trips), pg_stat_statements execution time, the server's CPU and WAL per request, and
// from these an estimate of the registrations per second one 32-core server would carry. For that it
// starts a PostgreSQL 15 of its own (pg_stat_statements needs shared_preload_libraries, a server
// restart, and the CPU of the server's processes must be the benchmark's alone); BENCH_DATABASE_URL
// uses an existing server instead (then without the database's side).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
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
import { benchHeader, benchPostgres, measure, printTable, scenarioColumns } from './support/load.js';
import { benchSignin } from './signin.bench.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SHARED_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Share of a server's CPU the estimate plans to use: headroom for peaks, vacuum and checkpoints. */
const PLANNED_CPU_SHARE = 0.7;
const PLANNED_CORES = 32;

interface Row {
  db: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  /** Node's CPU (the app and the load generator share the process) per request, ms. */
  nodeCpuMs: number;
  /** Event-loop delay over the run, p99 ms. */
  loopDelayP99: number;
  dbSample: DbSample | null;
}
const rows: Row[] = [];
/** Shutdown right after load: how long `close()` took, and anything that failed after it returned. */
const shutdowns: Array<{ db: string; ms: number }> = [];
const lateFailures: string[] = [];
process.on('unhandledRejection', (reason) => lateFailures.push(reason instanceof Error ? reason.message : String(reason)));

let stats: PgStats | null = null;

/** Runs one scenario and records its result, with the database's side when it is measured. */
async function scenario(db: string, name: string, opts: autocannon.Options): Promise<Row> {
  const row: Row = { db, scenario: name, ...(await measure(opts, stats)) };
  rows.push(row);
  return row;
}

// Citizens come from many addresses (a proxy in front says which: TRUST_PROXY below). From one
// address, the per-address counts would grow with every request of the run: a benchmark artefact.
let addressSeq = 0;
function json(extra: Record<string, string> = {}): Record<string, string> {
  addressSeq++;
  return { 'content-type': 'application/json', 'x-forwarded-for': `10.${(addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255}`, ...extra };
}

let phoneSeq = 0;
function nextPhone(): string {
  phoneSeq++;
  return `+7701${String((Date.now() % 1000) * 10000 + phoneSeq).padStart(7, '0').slice(-7)}`;
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
  const codeByPhone = new Map(messages.map((m) => [m.phone, /\b(\d{6})\b/.exec(openBody(server.ctx.config.encryptionKey, m) ?? '')?.[1] ?? '']));
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
  const floorUrl = await floorApp.listen({ port: 0, host: '127.0.0.1' });
  const common = { connections: CONNECTIONS, duration: DURATION };

  await scenario(kind, 'floor: bare INSERT', { ...common, url: `${floorUrl}/floor`, method: 'POST' });

  await scenario(
    kind,
    'start (phone → SMS queued)',
    {
      ...common,
      url: server.url,
      requests: [{ method: 'POST', path: '/api/v1/registrations', setupRequest: (req) => ({ ...req, headers: json(), body: JSON.stringify({ phone: nextPhone() }) }) }],
    },
  );

  const rate = rows.find((r) => r.db === kind && r.scenario.startsWith('start'))!.rps;
  const n = Math.min(4000, Math.max(500, Math.round(rate * DURATION * 0.8)));
  const pending = await prepareVerified(server, n, false);
  let i = 0;
  await scenario(
    kind,
    'code (OTP check)',
    {
      connections: CONNECTIONS,
      amount: pending.length,
      url: server.url,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const r = pending[i++ % pending.length];
            return { ...req, path: `/api/v1/registrations/${r.id}/otp`, headers: json({ authorization: `Bearer ${r.token}` }), body: JSON.stringify({ code: r.code }) };
          },
        },
      ],
    },
  );

  const verified = await prepareVerified(server, n, true);
  // one IIN per registration: bind each phone to its IIN
  const iinPool = verified.map((r, k) => ({ ...r, iin: makeIin(`19${String(50 + (k % 50)).padStart(2, '0')}-0${1 + (k % 9)}-1${k % 10}`, 'M', 1 + Math.floor(k / 450)) }));
  for (const r of iinPool) {
    await upsertPerson(server.ctx.db, config.encryptionKey, { iin: r.iin, lastName: 'Test', firstName: 'Bench', middleName: null, birthDate: `19${r.iin.slice(0, 2)}-${r.iin.slice(2, 4)}-${r.iin.slice(4, 6)}`, sex: 'M' });
    await server.ctx.registry.bindPhone(r.phone, r.iin);
  }
  let j = 0;
  await scenario(
    kind,
    'IIN (registry + BMG check)',
    {
      connections: CONNECTIONS,
      amount: iinPool.length,
      url: server.url,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const r = iinPool[j++ % iinPool.length];
            return { ...req, path: `/api/v1/registrations/${r.id}/iin`, headers: json({ authorization: `Bearer ${r.token}` }), body: JSON.stringify({ iin: r.iin }) };
          },
        },
      ],
    },
  );

  await benchSignin(server, iinPool, { kind, connections: CONNECTIONS, duration: DURATION, scenario, json });

  await scenario(
    kind,
    'start at a fixed 300 req/s',
    {
      connections: 64,
      duration: DURATION,
      overallRate: 300,
      url: server.url,
      requests: [{ method: 'POST', path: '/api/v1/registrations', setupRequest: (req) => ({ ...req, headers: json(), body: JSON.stringify({ phone: nextPhone() }) }) }],
    },
  );

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
await benchDatabase('pglite');
const postgres = await benchPostgres(SHARED_PG_URL);
if (postgres.note) console.log(postgres.note);
try {
  if (postgres.server && (await postgresReachable(postgres.server.url))) await benchDatabase('postgres', postgres.server);
  else console.log(`PostgreSQL not reachable at ${postgres.server?.url}: skipped`);
} finally {
  postgres.own?.destroy();
}

printTable<Row>(
  [
    ...scenarioColumns(rows),
    { title: 'errors', numeric: true, value: (r) => r.errors },
    { title: 'non-2xx', numeric: true, value: (r) => r.non2xx },
    { title: 'Node CPU ms/req', numeric: true, value: (r) => r.nodeCpuMs.toFixed(2) },
    { title: 'event-loop delay p99 ms', numeric: true, value: (r) => r.loopDelayP99.toFixed(1) },
  ],
  rows,
);
printDatabaseSide();
// Late completions would surface as unhandled rejections within a moment of the close.
await new Promise((resolve) => setTimeout(resolve, 1000));
console.log(`\nshutdown after load: ${shutdowns.map((s) => `${s.db} ${s.ms} ms`).join(', ')}; unhandled rejections: ${lateFailures.length}${lateFailures.length ? ` (${lateFailures.join('; ')})` : ''}`);
process.exit(lateFailures.length > 0 ? 1 : 0);
