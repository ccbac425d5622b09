// Graceful shutdown: a batch of SMS the worker claims while the server is closing is sent once, its
// outcomes are written before the database closes, and no late write hits a closed database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/database.js';
import { startServer } from '../src/server.js';
import { createRestartableStorage, type RestartableStorage } from './support/restartable-storage.js';
import { startSmsHttpGateway, type TestSmsHttpGateway } from './support/sms-http-gateway.js';
import { testDbKind } from './support/test-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MESSAGES = 5;

describe(`graceful shutdown (${testDbKind})`, () => {
  let storage: RestartableStorage;
  let gateway: TestSmsHttpGateway;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    storage = await createRestartableStorage();
    gateway = await startSmsHttpGateway();
    process.on('unhandledRejection', onRejection);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await gateway?.close();
    await storage?.drop();
  });

  it('sends the messages claimed while closing, once each, and records them before the database closes', { timeout: 300_000 }, async () => {
    const env = { SMS_PROVIDER: 'http', SMS_HTTP_URL: gateway.url, SMS_HTTP_TOKEN: 't' };
    const server = await startServer(storage.config(env), { seedDemo: false });

    // Commit the messages in a transaction that also holds the outbox table: the worker's next claim
    // waits (for the lock on PostgreSQL, for the only connection on PGlite) until after close() began.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalLocked!: () => void;
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    const ids: string[] = [];
    const transaction = server.ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < MESSAGES; i++) {
        ids.push(await server.ctx.sms.enqueue(trx, { phone: `+770100000${10 + i}`, language: 'en', purpose: 'otp', params: { code: String(100000 + i) } }));
      }
      await sql`LOCK TABLE sms_messages IN ACCESS EXCLUSIVE MODE`.execute(trx);
      signalLocked();
      await held;
    });
    await locked;
    await sleep(1_500); // the worker polls every 0.5 s: a claim is now waiting
    const closing = server.close();
    await sleep(500);
    release();
    await transaction;
    await closing;
    await sleep(1_000); // an outcome written after close would surface as an unhandled rejection by now

    expect(rejections.map(String)).toEqual([]);
    const sends = new Map<string, number>();
    for (const r of gateway.requests) sends.set(r.body.id, (sends.get(r.body.id) ?? 0) + 1);
    expect(ids.map((id) => sends.get(id) ?? 0)).toEqual(ids.map(() => 1));

    const config = storage.config(env);
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      // Each claim ended with its outcome: none is left to expire and be sent again.
      const messages = await database.db.selectFrom('sms_messages').select(['status', 'attempts', 'next_attempt_at']).where('id', 'in', ids).execute();
      expect(messages).toEqual(ids.map(() => ({ status: 'sent', attempts: 1, next_attempt_at: null })));
    } finally {
      await database.close();
    }
  });
});
