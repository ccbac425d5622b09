// Two app processes (real child processes, `npm start`'s entry point) against one PostgreSQL, as two
// machines behind a load balancer: a registration started on one continues on the other, each SMS is
// sent once although both run SMS workers, and the per-phone code limit holds across both.
// PGlite is one process by design (its folder is locked: lock-file.test.ts), so this runs on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config.js';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.js';
import { upsertBindings, upsertPerson } from '../src/registry/registry.store.js';
import { createPostgresDatabase } from './support/test-database.js';
import { randomIin, randomPhone } from './support/citizens.js';
import { startSmsHttpGateway, type TestSmsHttpGateway } from './support/sms-http-gateway.js';
import { call, sleep, startService, type ServiceProcess } from './faults/support/service.js';

const adminUrl = process.env.DATABASE_URL;
const SEND_LIMIT_PER_PHONE = 3;

describe.skipIf(!adminUrl)('two app processes on one PostgreSQL', () => {
  let pgDb: { url: string; drop(): Promise<void> };
  let gateway: TestSmsHttpGateway;
  let database: DatabaseHandle;
  const services: ServiceProcess[] = [];
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    pgDb = await createPostgresDatabase(adminUrl!);
    gateway = await startSmsHttpGateway();
    const env = {
      DATABASE_URL: pgDb.url,
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: gateway.url,
      SMS_HTTP_TOKEN: 't',
      OTP_SEND_LIMIT_PER_PHONE: String(SEND_LIMIT_PER_PHONE),
      // Every request comes from 127.0.0.1: the per-address limit is not what this file is about.
      OTP_SEND_LIMIT_PER_IP: '1000',
      OTP_RESEND_COOLDOWN_SECONDS: '0',
      LOG_LEVEL: 'warn',
    };
    // Started together on an empty database: both migrate it and create the queues at once.
    [a, b] = await Promise.all([startService(env, { readyTimeoutMs: 240_000 }), startService(env, { readyTimeoutMs: 240_000 })]);
    services.push(a, b);
    database = await openDatabase({ databaseUrl: pgDb.url, dataDir: '/nonexistent' });
  }, 300_000);

  afterAll(async () => {
    for (const s of services) {
      s.signal('SIGTERM');
      await s.exit;
    }
    await database?.close();
    await gateway?.close();
    await pgDb?.drop();
  }, 120_000);

  /** The code the gateway was asked to send to the phone (the newest). */
  async function codeSentTo(phone: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const sent = gateway.requests.filter((r) => r.body.to === phone);
      const code = sent.length > 0 ? /\b(\d{6})\b/.exec(sent[sent.length - 1].body.text)?.[1] : undefined;
      if (code) return code;
      if (Date.now() > deadline) throw new Error('no code reached the gateway within 30 s');
      await sleep(100);
    }
  }

  it('continues on one process a registration started on the other', { timeout: 120_000 }, async () => {
    const key = loadConfig({ NODE_ENV: 'development' }).encryptionKey;
    const iin = randomIin();
    const phone = randomPhone();
    await upsertPerson(database.db, key, { iin, lastName: 'Серікбаев', firstName: 'Асқар', middleName: null, birthDate: `19${iin.slice(0, 2)}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`, sex: Number(iin[6]) % 2 === 1 ? 'M' : 'F' });
    await upsertBindings(database.db, [{ phone, iin }]);

    const started = await call(a.url, 'POST', '/api/v1/registrations', { body: { phone } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const { id, token } = started.body;
    const code = await codeSentTo(phone);

    const verified = await call(b.url, 'POST', `/api/v1/registrations/${id}/otp`, { body: { code }, token });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.state).toBe('AWAITING_IIN');
    // The same step again on the first process: the state moved for both.
    const replay = await call(a.url, 'POST', `/api/v1/registrations/${id}/otp`, { body: { code }, token });
    expect(replay.status).toBe(409);
    expect(replay.code).toBe('INVALID_STATE');

    const accepted = await call(a.url, 'POST', `/api/v1/registrations/${id}/iin`, { body: { iin }, token });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const read = await call(b.url, 'GET', `/api/v1/registrations/${id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, state: 'AWAITING_VIDEO_CHECK', person: { maskedName: accepted.body.person.maskedName } });
  });

  it('sends each SMS once although both processes run SMS workers', { timeout: 120_000 }, async () => {
    const phones = Array.from({ length: 40 }, () => randomPhone());
    const answers = await Promise.all(phones.map((phone, i) => call(i % 2 === 0 ? a.url : b.url, 'POST', '/api/v1/registrations', { body: { phone } })));
    expect(answers.map((r) => r.status)).toEqual(phones.map(() => 201));

    const deadline = Date.now() + 60_000;
    while (phones.some((p) => !gateway.requests.some((r) => r.body.to === p)) && Date.now() < deadline) await sleep(200);
    await sleep(3_000); // a second send (a job taken by both workers) would arrive by now
    const sends = phones.map((p) => gateway.requests.filter((r) => r.body.to === p).length);
    expect(sends).toEqual(phones.map(() => 1));
    // Each message was handed to the gateway once by id (a retry after a failed attempt may count a
    // second attempt on a loaded machine, but never a second send).
    const rows = await database.db.selectFrom('sms_messages').select(['id', 'status']).where('phone', 'in', phones).execute();
    expect(rows.map((r) => r.status)).toEqual(phones.map(() => 'sent'));
    expect(rows.map((r) => gateway.requests.filter((q) => q.body.id === r.id).length)).toEqual(phones.map(() => 1));
  });

  it(`holds the per-phone code limit across both processes (${SEND_LIMIT_PER_PHONE} in the window)`, { timeout: 120_000 }, async () => {
    const phone = randomPhone();
    const tries = 10;
    const answers = await Promise.all(Array.from({ length: tries }, (_, i) => call(i % 2 === 0 ? a.url : b.url, 'POST', '/api/v1/registrations', { body: { phone } })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(SEND_LIMIT_PER_PHONE).fill(201), ...Array(tries - SEND_LIMIT_PER_PHONE).fill(429)]);
    expect(answers.filter((r) => r.status === 429).every((r) => r.code === 'OTP_SEND_LIMIT')).toBe(true);
    const codes = await database.db.selectFrom('otp_codes').select('id').where('phone', '=', phone).execute();
    expect(codes).toHaveLength(SEND_LIMIT_PER_PHONE);
    // A resend on the other process counts against the same limit.
    const first = answers.find((r) => r.status === 201)!;
    const resend = await call(b.url, 'POST', `/api/v1/registrations/${first.body.id}/otp/resend`, { token: first.body.token });
    expect(resend.status).toBe(429);
    expect(resend.code).toBe('OTP_SEND_LIMIT');
  });
});
