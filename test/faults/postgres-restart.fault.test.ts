// PostgreSQL restarted under a steady load of registrations: while it is down every request is
// answered quickly with 503 SERVICE_UNAVAILABLE (no hang, no 500) and /readyz says so; the service
// recovers by itself; every registration answered 201 exists afterwards and its code reaches the phone.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { perlSmscUnavailable, startPerlSmsc, type PerlSmsc } from '../support/perl-smsc.js';
import { settleDeliveries } from './support/citizen-sms.js';
import { recordFault } from './support/fault-table.js';
import { smppServiceEnv } from './support/fixtures.js';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from './support/own-postgres.js';
import { call, nextPhone, sleep, startService, steadyLoad, type Answer, type ServiceProcess } from './support/service.js';

const DOWN_MS = Number(process.env.FAULT_DB_DOWN_MS ?? 5_000);
const RATE = 10; // registrations per second
/** The pool's connect timeout (5 s) plus slack: "fast" means no answer waits longer than this. */
const FAIL_FAST_MS = 6_000;

const unavailable = ownPostgresUnavailable() ?? perlSmscUnavailable();
if (unavailable) console.warn(`[faults] PostgreSQL restart skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('fault: PostgreSQL restarted under load', () => {
  let postgres: OwnPostgres | undefined;
  let smsc: PerlSmsc | undefined;
  let service: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.kill();
    await smsc?.close();
    postgres?.destroy();
  });

  it('answers 503 fast while the database is down, recovers by itself, and loses no answered registration', async () => {
    postgres = await startOwnPostgres();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE digitalid');
    await admin.end();
    const databaseUrl = postgres.url.replace(/\/postgres$/, '/digitalid');
    smsc = await startPerlSmsc('digitalid', 'secret');
    service = await startService({
      DATABASE_URL: databaseUrl,
      ...smppServiceEnv(smsc),
      SMS_SEND_EXPIRE_SECONDS: '15',
    });
    const url = service.url;
    const load = steadyLoad(RATE, async () => {
      const phone = nextPhone();
      return { phone, ...(await call(url, 'POST', '/api/v1/registrations', { body: { phone }, hangMs: 15_000 })) };
    });

    await sleep(3_000);
    expect((await call(url, 'GET', '/readyz')).status).toBe(200);
    const downAt = Date.now();
    postgres.stop();
    const readyDuringOutage: Answer[] = [];
    while (Date.now() - downAt < DOWN_MS) {
      readyDuringOutage.push(await call(url, 'GET', '/readyz', { hangMs: 5_000 }));
      await sleep(250);
    }
    postgres.start();
    const upAt = Date.now();
    let readyAt = 0;
    while (!readyAt && Date.now() - upAt < 60_000) {
      if ((await call(url, 'GET', '/readyz', { hangMs: 5_000 })).status === 200) readyAt = Date.now();
      else await sleep(100);
    }
    await sleep(4_000);
    const answers = await load.stop();

    const duringOutage = answers.filter((a) => a.sentAt >= downAt && a.sentAt < upAt);
    const created = answers.filter((a) => a.status === 201);
    const createdAfter = created.filter((a) => a.sentAt >= upAt).sort((a, b) => a.sentAt - b.sentAt);
    const unanswered = answers.filter((a) => a.status === 0);
    const serverErrors = answers.filter((a) => a.status >= 500 && a.code !== 'SERVICE_UNAVAILABLE');

    // Every 201 is in the database, and its code reached the phone exactly once.
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const ids = created.map((a) => a.body.id as string);
    const { rows } = await check.query<{ id: string }>('select id from registrations where id = any($1::uuid[])', [ids]);
    await check.end();
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    const sms = await settleDeliveries(smsc, created.map((a) => a.phone), 90_000);

    const recoveryMs = createdAfter.length > 0 ? createdAfter[0].sentAt + createdAfter[0].ms - upAt : null;
    recordFault({
      fault: `PostgreSQL stopped for ${DOWN_MS / 1000} s (pg_ctl stop -m fast / start)`,
      sent: answers.length,
      answered: answers.length - unanswered.length,
      lost: missing.length + sms.lost.length,
      duplicates: sms.duplicated.length,
      recoveryMs,
      notes: `${duringOutage.filter((a) => a.status === 503).length} × 503 while down (slowest ${Math.max(0, ...duringOutage.map((a) => a.ms))} ms), ${serverErrors.length} × 500, ${created.length} × 201; /readyz ready again ${readyAt ? readyAt - upAt : '–'} ms after start`,
    });

    expect(unanswered, 'requests without an answer (hung or reset)').toEqual([]);
    expect(serverErrors.map((a) => `${a.status} ${a.code}`), 'errors other than 503 SERVICE_UNAVAILABLE').toEqual([]);
    expect(duringOutage.length).toBeGreaterThan(0);
    for (const a of duringOutage) {
      expect([201, 503]).toContain(a.status);
      expect(a.ms).toBeLessThan(FAIL_FAST_MS);
    }
    expect(duringOutage.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(readyDuringOutage.filter((a) => a.status !== 503), '/readyz while the database is down').toEqual([]);
    expect(readyAt, '/readyz ready again').toBeGreaterThan(0);
    expect(createdAfter.length, 'registrations after the restart').toBeGreaterThan(0);
    expect(missing, 'answered 201 but not in the database').toEqual([]);
    expect(sms.lost, 'answered 201 but no code reached the phone').toEqual([]);
    expect(sms.duplicated, 'codes that reached the phone twice').toEqual([]);
  });
});
