// The SMS worker on the outbox rows (migration 0025): retries with backoff up to the retry limit,
// permanent refusals and expired codes, claims that expire (a crashed worker) taken over once, two
// workers that never send the same message, the wake-up on enqueue and a stop that writes the batch
// in hand.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Counter, Registry } from 'prom-client';
import type PgBoss from 'pg-boss';
import { loadConfig, type Config } from '../platform/config.js';
import { createLogger } from '../platform/logging.js';
import { startQueue, stopQueue } from '../platform/queue.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { waitForSmsStatus } from '../../test/support/sms-wait.js';
import { SmsProviderError, type ProviderAcceptance, type ProviderMessage, type SmsProvider } from './sms.gateway.js';
import type { OutgoingSms } from './sms.outbound.js';
import { SmsService } from './sms.service.js';
import { claimDue, findMessage, recordOutcomes } from './sms.store.js';
import { startSmsWorker, type SmsWorker } from './sms.worker.js';

const OTP: OutgoingSms = { phone: '+77011234567', language: 'en', purpose: 'otp', params: { code: '246810' } };
const logger = createLogger('silent');

/** An HTTP-like provider whose answer each test scripts; it records every message handed to it. */
function scriptedProvider() {
  const provider = {
    name: 'http' as const,
    sent: [] as ProviderMessage[],
    answer: async (m: ProviderMessage): Promise<ProviderAcceptance> => ({ providerMessageId: `p-${m.id}`, delivered: false }),
    async send(m: ProviderMessage) {
      provider.sent.push(m);
      return provider.answer(m);
    },
    async stop() {},
  };
  return provider satisfies SmsProvider;
}

describe('SMS worker on the outbox rows', () => {
  let database: TestDatabase;
  let queue: PgBoss;
  let counterRegistry: Registry;
  let counter: Counter<'provider' | 'status'>;
  let provider: ReturnType<typeof scriptedProvider>;
  const workers: SmsWorker[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    queue = await startQueue({ db: database.db, logger });
  }, 600_000);
  afterAll(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await stopQueue(queue, logger);
    await database?.close();
  });
  beforeEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await database.truncate('sms_messages');
    provider = scriptedProvider();
    counterRegistry = new Registry();
    counter = new Counter({ name: 'sms_worker_test_total', help: 'test', labelNames: ['provider', 'status'], registers: [counterRegistry] });
  });

  function service(env: Record<string, string> = {}): SmsService {
    const config: Config = loadConfig({ NODE_ENV: 'test', ...env });
    const s = new SmsService({ config, db: database.db, queue, logger, counter });
    s.attach(provider);
    return s;
  }
  /** One pass of a worker: claim what is due, send it, write the outcomes. */
  async function round(s: SmsService): Promise<number> {
    const batch = await s.claim(10);
    await s.sendBatch(batch);
    return batch.length;
  }
  const makeDue = (id: string) => sql`update sms_messages set next_attempt_at = now() - interval '1 second' where id = ${id}`.execute(database.db);
  const waitSeconds = async (id: string) =>
    Number((await sql<{ s: string }>`select extract(epoch from next_attempt_at - now()) as s from sms_messages where id = ${id}`.execute(database.db)).rows[0].s);
  const count = async (status: string) => (await counterRegistry.getSingleMetric('sms_worker_test_total')!.get()).values.find((v) => v.labels.status === status)?.value ?? 0;

  it('retries a failed attempt after 2–4 s, then 4–8 s, and fails it once the retries are used up (text dropped)', async () => {
    const s = service({ SMS_MAX_RETRIES: '2' });
    provider.answer = async () => {
      throw new SmsProviderError('gateway answered 503');
    };
    const id = await s.enqueue(database.db, OTP);

    expect(await round(s)).toBe(1);
    let row = (await findMessage(database.db, id))!;
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'gateway answered 503' });
    expect(row.body_encrypted).not.toBeNull();
    const first = await waitSeconds(id);
    expect(first).toBeGreaterThan(1.5);
    expect(first).toBeLessThan(4.5);
    expect(await round(s)).toBe(0); // not due yet

    await makeDue(id);
    expect(await round(s)).toBe(1);
    const second = await waitSeconds(id);
    expect(second).toBeGreaterThan(3.5);
    expect(second).toBeLessThan(8.5);

    await makeDue(id);
    expect(await round(s)).toBe(1);
    row = (await findMessage(database.db, id))!;
    expect(row).toMatchObject({ status: 'failed', attempts: 3, last_error: 'gateway answered 503', body_encrypted: null, next_attempt_at: null });
    expect(provider.sent).toHaveLength(3);
    expect([await count('retry'), await count('failed'), await count('sent')]).toEqual([2, 1, 0]);
  });

  it('fails a message the provider refuses for good at once', async () => {
    const s = service();
    provider.answer = async () => {
      throw new SmsProviderError('number barred', true);
    };
    const id = await s.enqueue(database.db, OTP);
    await round(s);
    expect(await findMessage(database.db, id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'number barred', body_encrypted: null });
  });

  it('fails an OTP whose code expired before it could be sent, without handing it over', async () => {
    const s = service({ OTP_TTL_SECONDS: '60' });
    const id = await s.enqueue(database.db, OTP);
    await sql`update sms_messages set created_at = now() - interval '61 seconds' where id = ${id}`.execute(database.db);
    await round(s);
    expect(await findMessage(database.db, id)).toMatchObject({ status: 'failed', last_error: 'code expired before it could be sent' });
    expect(provider.sent).toEqual([]);
  });

  it('records a send: provider id, sent time, the exact text dropped; codes counted', async () => {
    const s = service();
    const id = await s.enqueue(database.db, OTP);
    await round(s);
    const row = (await findMessage(database.db, id))!;
    expect(row).toMatchObject({ status: 'sent', attempts: 1, provider: 'http', provider_message_id: `p-${id}`, last_error: null, body_encrypted: null, next_attempt_at: null });
    expect(row.sent_at).toBeInstanceOf(Date);
    expect(provider.sent.map((m) => m.body)).toEqual(['Digital ID: your code 246810. Valid 5 min. Do not share it.']);
    expect(await count('sent')).toBe(1);
  });

  it('takes over a claim that expired (its worker crashed), ignores the stale worker’s outcome, and fails the last attempt’s expiry', async () => {
    const s = service({ SMS_MAX_RETRIES: '1', SMS_SEND_EXPIRE_SECONDS: '30' });
    const id = await s.enqueue(database.db, OTP);
    const [crashed] = await claimDue(database.db, provider.name, 10); // attempt 1 claimed, never finished
    expect(crashed.attempts).toBe(1);
    const held = await waitSeconds(id);
    expect(held).toBeGreaterThan(25);
    expect(held).toBeLessThan(31);
    expect(await claimDue(database.db, provider.name, 10)).toEqual([]); // held while the claim lasts

    await makeDue(id); // the claim expires
    const [again] = await claimDue(database.db, provider.name, 10);
    expect(again).toMatchObject({ id, attempts: 2 });
    // The first worker comes back late: its outcome belongs to an expired claim and is not written.
    const written = await recordOutcomes(database.db, [{ id, attempts: 1, status: 'sent', providerMessageId: 'late', error: null, dropText: true }]);
    expect(written.size).toBe(0);
    expect(await findMessage(database.db, id)).toMatchObject({ status: 'sending', attempts: 2, provider_message_id: null });

    await makeDue(id); // the last allowed attempt's claim expires too
    await round(s);
    expect(await findMessage(database.db, id)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'every attempt was made; the last one did not finish in time' });
    expect(provider.sent).toEqual([]);
  });

  it('two workers never send the same message', { timeout: 120_000 }, async () => {
    const messages = 120;
    provider.answer = async (m) => {
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      return { providerMessageId: `p-${m.id}`, delivered: false };
    };
    const [a, b] = [service(), service()];
    const ids: string[] = [];
    for (let i = 0; i < messages; i++) ids.push(await a.enqueue(database.db, { ...OTP, phone: `+7701${String(1000000 + i)}` }));
    const options = { batchSize: 10, backlogBatchSize: 50, pollingIntervalMs: 50, wakeDelayMs: 5 };
    workers.push(startSmsWorker({ service: a, logger }, options));
    workers.push(startSmsWorker({ service: b, logger }, options));
    for (const id of ids) await waitForSmsStatus(database.db, id, ['sent']);
    const sends = new Map<string, number>();
    for (const m of provider.sent) sends.set(m.id, (sends.get(m.id) ?? 0) + 1);
    expect(ids.map((id) => sends.get(id))).toEqual(ids.map(() => 1));
    expect(provider.sent).toHaveLength(messages);
  });

  it('wakes up when this process enqueues, long before its next poll', async () => {
    const s = service();
    const worker = startSmsWorker({ service: s, logger }, { batchSize: 10, backlogBatchSize: 50, pollingIntervalMs: 600_000, wakeDelayMs: 20 });
    workers.push(worker);
    s.onQueued = () => worker.wake();
    await new Promise((r) => setTimeout(r, 200)); // its first claim found nothing: it now waits for the poll
    const id = await s.enqueue(database.db, OTP);
    await waitForSmsStatus(database.db, id, ['sent'], 10_000);
  });

  it('stops after sending the batch in hand and writing its outcomes', async () => {
    const s = service();
    let handed!: () => void;
    const inHand = new Promise<void>((resolve) => (handed = resolve));
    provider.answer = async (m) => {
      handed();
      await new Promise((r) => setTimeout(r, 300));
      return { providerMessageId: `p-${m.id}`, delivered: false };
    };
    const id = await s.enqueue(database.db, OTP);
    const worker = startSmsWorker({ service: s, logger }, { batchSize: 10, backlogBatchSize: 50, pollingIntervalMs: 50, wakeDelayMs: 5 });
    await inHand;
    const later = await s.enqueue(database.db, { ...OTP, phone: '+77017654321' });
    await worker.stop();
    expect(await findMessage(database.db, id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await findMessage(database.db, later)).toMatchObject({ status: 'queued', attempts: 0 });
  });
});
