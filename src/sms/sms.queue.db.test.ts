// Durability of the SMS queue: the message (its own send job) lives and dies with the caller's
// transaction, and nothing committed is lost when the server stops before sending it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Counter, Registry } from 'prom-client';
import { openDatabase, type DbOrTx } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { createLogger } from '../platform/logging.js';
import { startQueue, stopQueue } from '../platform/queue.js';
import { startServer, type RunningServer } from '../server.js';
import { createOutboxProvider } from './providers/outbox.provider.js';
import { openBody } from './sms.body.js';
import { SmsService } from './sms.service.js';
import { testDbKind } from '../../test/support/test-server.js';
import { useTestServer } from '../../test/support/use-test-server.js';
import { createRestartableStorage, type RestartableStorage } from '../../test/support/restartable-storage.js';
import { startSmsHttpGateway, type TestSmsHttpGateway } from '../../test/support/sms-http-gateway.js';
import { waitForSmsStatus } from '../../test/support/sms-wait.js';

// These tests start servers themselves: a start can take long on a busy machine.
const SERVER_TEST = { timeout: 300_000 };
const OTP = { phone: '+77011234567', language: 'ru', purpose: 'otp', params: { code: '555123' } } as const;

/** Messages a worker could claim now (queued and due). */
async function dueFor(db: DbOrTx, messageId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from sms_messages where id = ${messageId} and status = 'queued' and next_attempt_at <= now()`.execute(db);
  return Number(rows[0].n);
}

describe(`SMS enqueue joins the caller's transaction (${testDbKind})`, () => {
  const server = useTestServer({ SMS_PROVIDER: 'outbox' });

  it('sends a message whose transaction committed', async () => {
    const id = await server.ctx.db.transaction().execute((trx) => server.ctx.sms.enqueue(trx, { ...OTP }));
    const row = await waitForSmsStatus(server.ctx.db, id, ['delivered']);
    // The dev outbox is the phone: it keeps the exact text, but only encrypted.
    expect(openBody(server.config.encryptionKey, row)).toBe('Digital ID: код 555123. Действует 5 мин. Никому не сообщайте.');
  });

  it('never stores a one-time code in plain text, not even while it waits in the queue', async () => {
    const id = await server.ctx.db.transaction().execute(async (trx) => {
      const queued = await server.ctx.sms.enqueue(trx, { ...OTP, params: { code: '731904' } });
      const { rows } = await sql<Record<string, unknown>>`select * from sms_messages where id = ${queued}`.execute(trx);
      const stored = JSON.stringify(rows[0], (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
      expect(stored).not.toContain('731904');
      expect(rows[0].body).toBe('Digital ID: код ******. Действует 5 мин. Никому не сообщайте.');
      return queued;
    });
    const row = await waitForSmsStatus(server.ctx.db, id, ['delivered']);
    expect(row.body).not.toContain('731904');
    // Bound to its own message: the sealed text cannot be passed off as another message's.
    expect(() => openBody(server.config.encryptionKey, { id: randomUUID(), body_encrypted: row.body_encrypted })).toThrow();
  });

  it('leaves no message to send when the transaction rolls back', async () => {
    let id = '';
    await expect(
      server.ctx.db.transaction().execute(async (trx) => {
        id = await server.ctx.sms.enqueue(trx, { ...OTP, params: { code: '999000' } });
        expect(await dueFor(trx, id)).toBe(1); // visible inside the transaction
        throw new Error('registration step failed');
      }),
    ).rejects.toThrow('registration step failed');
    expect(id).not.toBe('');
    expect(await server.ctx.db.selectFrom('sms_messages').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect(await dueFor(server.ctx.db, id)).toBe(0);
  });
});

describe(`SMS survive a server restart (${testDbKind})`, () => {
  let storage: RestartableStorage;
  let gateway: TestSmsHttpGateway | null = null;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    storage = await createRestartableStorage();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    await gateway?.close();
    gateway = null;
  });
  afterAll(async () => {
    await storage?.drop();
  });

  async function start(env: Record<string, string>): Promise<RunningServer> {
    const server = await startServer(storage.config(env), { seedDemo: false });
    servers.push(server);
    return server;
  }

  it('sends after restart a message whose attempts failed while the gateway was down', SERVER_TEST, async () => {
    // Reserve a port, then leave it closed: the first server's attempts are refused.
    const probe = await startSmsHttpGateway();
    const url = probe.url;
    await probe.close();
    const env = { SMS_PROVIDER: 'http', SMS_HTTP_URL: url, SMS_HTTP_TOKEN: 't', SMS_MAX_RETRIES: '20' };

    const first = await start(env);
    const id = await first.ctx.db.transaction().execute((trx) => first.ctx.sms.enqueue(trx, { ...OTP }));
    for (;;) {
      const row = await first.ctx.db.selectFrom('sms_messages').select(['last_error']).where('id', '=', id).executeTakeFirstOrThrow();
      if (row.last_error) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await first.close();
    servers.length = 0;

    gateway = await startSmsHttpGateway(Number(new URL(url).port));
    const second = await start(env);
    const row = await waitForSmsStatus(second.ctx.db, id, ['sent'], 60_000);
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0].body).toMatchObject({ to: '+77011234567', id, text: 'Digital ID: код 555123. Действует 5 мин. Никому не сообщайте.' });
  });

  it('sends after start a message committed while no server was running', SERVER_TEST, async () => {
    // A first run creates pg-boss's queues; then the server is down.
    await (await start({ SMS_PROVIDER: 'outbox' })).close();
    servers.length = 0;

    // While it is down, another process (here: the database, the queue and the SMS service, no workers) commits a message.
    const config = storage.config({ SMS_PROVIDER: 'outbox' });
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await migrateToLatest(database.db);
    const queue = await startQueue({ db: database.db, logger: createLogger('silent') });
    const counter = new Counter({ name: 'sms_test_total', help: 'test', labelNames: ['provider', 'status'], registers: [new Registry()] });
    const producer = new SmsService({ config, db: database.db, queue, logger: createLogger('silent'), counter });
    producer.attach(createOutboxProvider());
    const id = await database.db.transaction().execute((trx) => producer.enqueue(trx, { ...OTP, language: 'kk' }));
    await stopQueue(queue, createLogger('silent'));
    await database.close();

    const server = await start({ SMS_PROVIDER: 'outbox' });
    const row = await waitForSmsStatus(server.ctx.db, id, ['delivered']);
    expect(row.attempts).toBe(1);
  });
});
