// sms_enqueue (migration 0025) writes the outbox row as its own send job, in the caller's statement:
// the options `prepare` gives (priority, retries, backoff, claim expiry) on the row, due at once, and
// no pg-boss job. Messages queued before 0025 (a row and a pg-boss job) are adopted once.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Counter, Registry } from 'prom-client';
import type PgBoss from 'pg-boss';
import { loadConfig } from '../platform/config.js';
import { adoptPgBossSendJobs } from '../platform/db/migrations/0025_sms_outbox_row_is_its_job.js';
import { createLogger } from '../platform/logging.js';
import { inConnection, startQueue, stopQueue } from '../platform/queue.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { createOutboxProvider } from './providers/outbox.provider.js';
import { SMS_SEND_QUEUE } from './sms.jobs.js';
import { SmsService } from './sms.service.js';
import type { OutgoingSms, PreparedSms } from './sms.outbound.js';
import { claimDue } from './sms.store.js';
import { startRegistration } from '../registration/registration.store.js';

const SCHEDULE = sql`status, attempts, priority, retry_limit, retry_delay, retry_backoff, expire_seconds,
  abs(extract(epoch from next_attempt_at - now())) < 60 as due_now`;

describe('sms_enqueue writes the outbox row as its own send job', () => {
  let database: TestDatabase;
  let queue: PgBoss;
  let service: SmsService;
  const logger = createLogger('silent');
  const otp: OutgoingSms = { phone: '+77011234567', language: 'en', purpose: 'otp', params: { code: '123456' } };
  const notification: OutgoingSms = { phone: '+77011234567', language: 'en', purpose: 'video_check_passed', params: {} };

  beforeAll(async () => {
    database = await openTestDatabase();
    queue = await startQueue({ db: database.db, logger });
    const config = loadConfig({ NODE_ENV: 'test', SMS_MAX_RETRIES: '7', SMS_SEND_EXPIRE_SECONDS: '90' });
    const counter = new Counter({ name: 'sms_enqueue_test_total', help: 'test', labelNames: ['provider', 'status'], registers: [new Registry()] });
    service = new SmsService({ config, db: database.db, queue, logger, counter });
    service.attach(createOutboxProvider());
  }, 600_000);
  afterAll(async () => {
    await stopQueue(queue, logger);
    await database?.close();
  });
  beforeEach(() => database.truncate('sms_messages'));

  const schedule = async (id: string) => (await sql<Record<string, unknown>>`select ${SCHEDULE} from sms_messages where id = ${id}`.execute(database.db)).rows[0];
  const pgBossJobs = async () => Number((await sql<{ n: string }>`select count(*) as n from pgboss.job where name = ${SMS_SEND_QUEUE}`.execute(database.db)).rows[0].n);

  for (const [kind, sms] of [['an OTP', otp], ['a notification', notification]] as const) {
    it(`for ${kind}: queued, due now, with the options of its sending, and no pg-boss job`, async () => {
      const id = await database.db.transaction().execute((trx) => service.enqueue(trx, sms));
      expect(await schedule(id)).toEqual({
        status: 'queued',
        attempts: 0,
        priority: sms.purpose === 'otp' ? 10 : 0,
        retry_limit: 7,
        retry_delay: 2,
        retry_backoff: true,
        expire_seconds: 90,
        due_now: true,
      });
      expect(await pgBossJobs()).toBe(0);
    });
  }

  // registration_start (migration 0027) writes a start's SMS row itself, in its one statement: it must
  // write the row sms_enqueue writes, with the same check of the queue's name.
  const startWith = (sms: PreparedSms, id = randomUUID()) => {
    const now = new Date();
    return startRegistration(database.db, {
      id,
      tokenHash: randomBytes(32),
      phone: sms.phone,
      phoneKeys: { iinAttempts: randomBytes(32), lock: randomBytes(32) },
      language: sms.language,
      clientIp: '10.0.0.1',
      now,
      expiresAt: new Date(now.getTime() + 600_000),
      limits: { phone: 100, ip: 100 },
      code: {
        id: randomUUID(),
        codeHmac: randomBytes(32),
        expiresAt: new Date(now.getTime() + 300_000),
        resendAvailableAt: now,
        windowStart: new Date(now.getTime() - 3_600_000),
        sms,
        timing: { expiresAt: '', resendAvailableAt: '' },
      },
      audit: { sent: 'otp.sent', refused: 'otp.send_limited', subject: '+7701***4567' },
    });
  };

  it("is the row a registration start writes for its code (registration_start's copy of sms_enqueue)", async () => {
    const enqueued = await service.enqueue(database.db, otp);
    const started = service.prepare(otp);
    expect(await startWith(started)).toEqual({ refused: null, oldest: null });
    expect(await schedule(started.id)).toEqual(await schedule(enqueued));
    const row = (id: string) => database.db.selectFrom('sms_messages').select(['phone', 'language', 'purpose', 'body']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(await row(started.id)).toEqual(await row(enqueued));
  });

  it('refuses a start whose SMS names a queue other than the outbox (nothing is written)', async () => {
    const prepared = { ...service.prepare(otp), queue: 'no-such-queue' };
    const registrationId = randomUUID();
    await expect(startWith(prepared, registrationId)).rejects.toThrow(/no-such-queue is missing/);
    expect(await database.db.selectFrom('sms_messages').select('id').where('id', '=', prepared.id).executeTakeFirst()).toBeUndefined();
    expect(await database.db.selectFrom('registrations').select('id').where('id', '=', registrationId).executeTakeFirst()).toBeUndefined();
  });

  it('is claimed codes first, then in the order it became due', async () => {
    const first = await service.enqueue(database.db, notification);
    const second = await service.enqueue(database.db, notification);
    const code = await service.enqueue(database.db, otp);
    const claimed = [];
    for (let i = 0; i < 3; i++) claimed.push(...(await claimDue(database.db, 'outbox', 1)).map((r) => r.id));
    expect(claimed).toEqual([code, first, second]);
    expect(await claimDue(database.db, 'outbox', 10)).toEqual([]);
  });

  it('refuses a message for a queue other than the outbox (nothing is written)', async () => {
    const prepared = { ...service.prepare(otp), queue: 'no-such-queue' };
    await expect(sql`select sms_enqueue(${prepared.queue}, ${prepared.id}, ${prepared.phone}, ${prepared.language}, ${prepared.purpose}, ${prepared.body},
      ${prepared.bodyEncrypted}, 0, 1, 1, true, 60)`.execute(database.db)).rejects.toThrow(/no-such-queue is missing/);
    expect(await database.db.selectFrom('sms_messages').select('id').where('id', '=', prepared.id).executeTakeFirst()).toBeUndefined();
  });

  it('adopts a message queued before migration 0025: its pg-boss job’s options and due time, the job deleted, claimed once', async () => {
    // As the code before 0025 wrote it: the row without scheduling, and pg-boss's job beside it.
    await queue.createQueue(SMS_SEND_QUEUE);
    const prepared = service.prepare(otp);
    const later = service.prepare(notification);
    await database.db.transaction().execute(async (trx) => {
      for (const m of [prepared, later]) {
        await trx.insertInto('sms_messages').values({ id: m.id, phone: m.phone, language: m.language, purpose: m.purpose, body: m.body, body_encrypted: m.bodyEncrypted, status: 'queued' }).execute();
      }
      await queue.send(SMS_SEND_QUEUE, { messageId: prepared.id }, { ...inConnection(trx), priority: 10, retryLimit: 4, retryDelay: 3, retryBackoff: true, expireInSeconds: 45 });
      await queue.send(SMS_SEND_QUEUE, { messageId: later.id }, { ...inConnection(trx), retryLimit: 4, startAfter: 3600 });
    });
    expect(await claimDue(database.db, 'outbox', 10)).toEqual([]); // not adopted yet: no due time

    await adoptPgBossSendJobs(database.db);
    expect(await schedule(prepared.id)).toEqual({ status: 'queued', attempts: 0, priority: 10, retry_limit: 4, retry_delay: 3, retry_backoff: true, expire_seconds: 45, due_now: true });
    expect(await pgBossJobs()).toBe(0);
    const claimed = await claimDue(database.db, 'outbox', 10);
    expect(claimed.map((r) => r.id)).toEqual([prepared.id]); // the other waits for its start-after, as its job did
    const { rows } = await sql<{ wait: number }>`select extract(epoch from next_attempt_at - now())::int as wait from sms_messages where id = ${later.id}`.execute(database.db);
    expect(rows[0].wait).toBeGreaterThan(3500);
  });
});
