// sms_enqueue (migration 0011) writes pg-boss's job row itself, in the caller's statement: the row
// must be the one pg-boss's own `send` writes for the same options, or its worker, retries and expiry
// would treat our jobs differently. An upgrade of pg-boss that changes its table fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Counter, Registry } from 'prom-client';
import type PgBoss from 'pg-boss';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logging.js';
import { inConnection, startQueue, stopQueue } from '../platform/queue.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { createOutboxProvider } from './providers/outbox.provider.js';
import { SMS_SEND_QUEUE } from './sms.jobs.js';
import { SmsService } from './sms.service.js';
import type { OutgoingSms } from './sms.outbound.js';

const COLUMNS = sql`name, priority, state, retry_limit, retry_count, retry_delay, retry_backoff, singleton_key, singleton_on,
  expire_in, dead_letter, policy, output, started_on, completed_on,
  extract(epoch from keep_until - start_after)::int as keep_seconds,
  abs(extract(epoch from start_after - now())) < 60 as starts_now`;

describe('sms_enqueue writes the job pg-boss would write', () => {
  let database: TestDatabase;
  let queue: PgBoss;
  let service: SmsService;
  const logger = createLogger('silent');

  beforeAll(async () => {
    database = await openTestDatabase();
    queue = await startQueue({ db: database.db, logger });
    await queue.createQueue(SMS_SEND_QUEUE);
    const config = loadConfig({ NODE_ENV: 'test', SMS_MAX_RETRIES: '7', SMS_SEND_EXPIRE_SECONDS: '90' });
    const counter = new Counter({ name: 'sms_enqueue_test_total', help: 'test', labelNames: ['provider', 'status'], registers: [new Registry()] });
    service = new SmsService({ config, db: database.db, queue, logger, counter });
    service.attach(createOutboxProvider());
  }, 600_000);
  afterAll(async () => {
    await stopQueue(queue, logger);
    await database?.close();
  });

  const messages: OutgoingSms[] = [
    { phone: '+77011234567', language: 'en', purpose: 'otp', params: { code: '123456' } },
    { phone: '+77011234567', language: 'en', purpose: 'video_check_passed', params: {} },
  ];
  for (const sms of messages) {
    const { purpose } = sms;
    it(`for a${purpose === 'otp' ? 'n OTP' : ' notification'}: same columns as pg-boss's send with the same options`, async () => {
      const prepared = service.prepare(sms);
      const ours = await database.db.transaction().execute(async (trx) => {
        await service.enqueue(trx, sms);
        const { rows } = await sql<{ id: string }>`select data->>'messageId' as id from pgboss.job where name = ${SMS_SEND_QUEUE} order by created_on desc limit 1`.execute(trx);
        return rows[0].id;
      });
      const theirs = await database.db.transaction().execute((trx) =>
        queue.send(SMS_SEND_QUEUE, { messageId: 'pg-boss' }, {
          ...inConnection(trx),
          priority: prepared.priority,
          retryLimit: prepared.retryLimit,
          retryDelay: prepared.retryDelay,
          retryBackoff: prepared.retryBackoff,
          expireInSeconds: prepared.expireSeconds,
        }),
      );
      const row = async (where: ReturnType<typeof sql>) => (await sql<Record<string, unknown>>`select ${COLUMNS} from pgboss.job where ${where}`.execute(database.db)).rows[0];
      const ourJob = await row(sql`data->>'messageId' = ${ours}`);
      const theirJob = await row(sql`id = ${theirs}`);
      expect(ourJob).toBeDefined();
      expect(ourJob).toEqual(theirJob);
      expect(ourJob).toMatchObject({ name: SMS_SEND_QUEUE, state: 'created', retry_limit: 7, priority: purpose === 'otp' ? 10 : 0, starts_now: true });
    });
  }

  it('refuses to store a message whose queue does not exist (nothing is written)', async () => {
    const prepared = { ...service.prepare({ phone: '+77011234567', language: 'en', purpose: 'otp', params: { code: '123456' } }), queue: 'no-such-queue' };
    await expect(sql`select sms_enqueue(${prepared.queue}, ${prepared.id}, ${prepared.phone}, ${prepared.language}, ${prepared.purpose}, ${prepared.body},
      ${prepared.bodyEncrypted}, 0, 1, 1, true, 60)`.execute(database.db)).rejects.toThrow(/no-such-queue is missing/);
    expect(await database.db.selectFrom('sms_messages').select('id').where('id', '=', prepared.id).executeTakeFirst()).toBeUndefined();
  });
});
