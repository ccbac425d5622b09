// npm run bench:api — the registration steps under load (start → code → IIN), on PGlite and on
// PostgreSQL, beside a floor measured in the same run: a bare Fastify route doing one INSERT on the
// same database. Prints req/s and latency percentiles; then a fixed 300 req/s run for p99.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { makeIin } from '../src/iin/iin.rules.js';
import { upsertPerson } from '../src/registry/registry.store.js';
import { createPostgresDatabase } from '../test/support/test-database.js';
import { openBody } from '../src/sms/sms.body.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  db: string;
  scenario: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}
const rows: Row[] = [];
/** Shutdown right after load: how long `close()` took, and anything that failed after it returned. */
const shutdowns: Array<{ db: string; ms: number }> = [];
const lateFailures: string[] = [];
process.on('unhandledRejection', (reason) => lateFailures.push(reason instanceof Error ? reason.message : String(reason)));

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function record(db: string, scenario: string, r: autocannon.Result) {
  rows.push({ db, scenario, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
}

let phoneSeq = 0;
function nextPhone(): string {
  phoneSeq++;
  return `+7701${String((Date.now() % 1000) * 10000 + phoneSeq).padStart(7, '0').slice(-7)}`;
}

async function prepareVerified(server: RunningServer, n: number, verify: boolean) {
  const out: Array<{ id: string; token: string; phone: string; code: string }> = [];
  for (let i = 0; i < n; i++) {
    const phone = nextPhone();
    const res = await fetch(`${server.url}/api/v1/registrations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
    const body = (await res.json()) as { id: string; token: string };
    out.push({ id: body.id, token: body.token, phone, code: '' });
  }
  const messages = await server.ctx.db.selectFrom('sms_messages').select(['id', 'phone', 'body_encrypted']).where('purpose', '=', 'otp').execute();
  // Texts are stored encrypted (sms.body.ts): the benchmark holds the key, as the dev outbox does.
  const codeByPhone = new Map(messages.map((m) => [m.phone, /\b(\d{6})\b/.exec(openBody(server.ctx.config.encryptionKey, m) ?? '')?.[1] ?? '']));
  for (const r of out) r.code = codeByPhone.get(r.phone) ?? '';
  if (verify) {
    for (const r of out) {
      await fetch(`${server.url}/api/v1/registrations/${r.id}/otp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` },
        body: JSON.stringify({ code: r.code }),
      });
    }
  }
  return out;
}

async function benchDatabase(kind: 'pglite' | 'postgres') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-bench-'));
  const pgDb = kind === 'postgres' ? await createPostgresDatabase(PG_URL) : null;
  const databaseUrl = pgDb?.url;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    OTP_SEND_LIMIT_PER_IP: '1000000',
    OTP_SEND_LIMIT_PER_PHONE: '1000',
    IIN_ATTEMPTS_PER_IP_PER_DAY: '1000000',
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

  record(kind, 'floor: bare INSERT', await run({ ...common, url: `${floorUrl}/floor`, method: 'POST' }));

  record(
    kind,
    'start (phone → SMS queued)',
    await run({
      ...common,
      url: server.url,
      requests: [{ method: 'POST', path: '/api/v1/registrations', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ phone: nextPhone() }) }) }],
    }),
  );

  const rate = rows.find((r) => r.db === kind && r.scenario.startsWith('start'))!.rps;
  const n = Math.min(4000, Math.max(500, Math.round(rate * DURATION * 0.8)));
  const pending = await prepareVerified(server, n, false);
  let i = 0;
  record(
    kind,
    'code (OTP check)',
    await run({
      connections: CONNECTIONS,
      amount: pending.length,
      url: server.url,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const r = pending[i++ % pending.length];
            return { ...req, path: `/api/v1/registrations/${r.id}/otp`, headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` }, body: JSON.stringify({ code: r.code }) };
          },
        },
      ],
    }),
  );

  const verified = await prepareVerified(server, n, true);
  // one IIN per registration: bind each phone to its IIN
  const iinPool = verified.map((r, k) => ({ ...r, iin: makeIin(`19${String(50 + (k % 50)).padStart(2, '0')}-0${1 + (k % 9)}-1${k % 10}`, 'M', 1 + Math.floor(k / 450)) }));
  for (const r of iinPool) {
    await upsertPerson(server.ctx.db, config.encryptionKey, { iin: r.iin, lastName: 'Test', firstName: 'Bench', middleName: null, birthDate: `19${r.iin.slice(0, 2)}-${r.iin.slice(2, 4)}-${r.iin.slice(4, 6)}`, sex: 'M' });
    await server.ctx.registry.bindPhone(r.phone, r.iin);
  }
  let j = 0;
  record(
    kind,
    'IIN (registry + BMG check)',
    await run({
      connections: CONNECTIONS,
      amount: iinPool.length,
      url: server.url,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const r = iinPool[j++ % iinPool.length];
            return { ...req, path: `/api/v1/registrations/${r.id}/iin`, headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` }, body: JSON.stringify({ iin: r.iin }) };
          },
        },
      ],
    }),
  );

  record(
    kind,
    'start at a fixed 300 req/s',
    await run({
      connections: 64,
      duration: DURATION,
      overallRate: 300,
      url: server.url,
      requests: [{ method: 'POST', path: '/api/v1/registrations', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ phone: nextPhone() }) }) }],
    }),
  );

  await floorApp.close();
  // Straight after the load, with SMS still queued: the same order as on SIGTERM (src/server.ts).
  const closeStarted = Date.now();
  await server.close();
  shutdowns.push({ db: kind, ms: Date.now() - closeStarted });
  fs.rmSync(dataDir, { recursive: true, force: true });
  await pgDb?.drop();
}

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

console.log(`bench:api — ${CONNECTIONS} connections, ${DURATION} s per scenario, ${os.cpus().length} cores, Node ${process.version}`);
await benchDatabase('pglite');
if (await postgresReachable()) await benchDatabase('postgres');
else console.log(`PostgreSQL not reachable at ${PG_URL}: skipped`);

console.log('\n| database | scenario | req/s | p50 ms | p99 ms | % of floor | errors | non-2xx |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const floor = rows.find((f) => f.db === r.db && f.scenario.startsWith('floor'))!.rps;
  console.log(`| ${r.db} | ${r.scenario} | ${r.rps} | ${r.p50} | ${r.p99} | ${Math.round((100 * r.rps) / floor)}% | ${r.errors} | ${r.non2xx} |`);
}
// Late completions would surface as unhandled rejections within a moment of the close.
await new Promise((resolve) => setTimeout(resolve, 1000));
console.log(`\nshutdown after load: ${shutdowns.map((s) => `${s.db} ${s.ms} ms`).join(', ')}; unhandled rejections: ${lateFailures.length}${lateFailures.length ? ` (${lateFailures.join('; ')})` : ''}`);
process.exit(lateFailures.length > 0 ? 1 : 0);
