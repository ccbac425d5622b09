// npm run bench:sms — the SMS path on PGlite and on PostgreSQL: how fast transactions can enqueue
// (the outbox row, its own send job), how long from commit to "delivered" for one OTP (outbox and SMPP to the test
// SMSC with its receipt), and how fast a backlog drains through SMPP.
import { startServer, type RunningServer } from '../src/server.js';
import { createRestartableStorage } from '../test/support/restartable-storage.js';
import { startTestSmsc } from '../test/support/smsc.js';

const BURST = Number(process.env.BENCH_SMS_BURST ?? 300);
const SAMPLES = Number(process.env.BENCH_SMS_SAMPLES ?? 30);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

async function waitAll(server: RunningServer, ids: string[], status: 'delivered'): Promise<void> {
  for (;;) {
    const n = await server.ctx.db.selectFrom('sms_messages').select((eb) => eb.fn.countAll<string>().as('n')).where('id', 'in', ids).where('status', '=', status).executeTakeFirstOrThrow();
    if (Number(n.n) === ids.length) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function enqueue(server: RunningServer, i: number): Promise<string> {
  const phone = `+7701${String(1000000 + (i % 9000000)).padStart(7, '0')}`;
  return server.ctx.db.transaction().execute((trx) => server.ctx.sms.enqueue(trx, { phone, language: 'kk', purpose: 'otp', params: { code: String(100000 + i) } }));
}

async function run(dbLabel: string): Promise<void> {
  const smsc = await startTestSmsc({ systemId: 'digitalid', password: 'secret' });
  for (const provider of ['outbox', 'smpp'] as const) {
    const storage = await createRestartableStorage();
    const env: Record<string, string> = provider === 'smpp' ? { SMS_PROVIDER: 'smpp', SMPP_URL: smsc.url, SMPP_SYSTEM_ID: 'digitalid', SMPP_PASSWORD: 'secret' } : { SMS_PROVIDER: 'outbox' };
    const server = await startServer(storage.config(env), { seedDemo: false });
    try {
      await waitAll(server, [await enqueue(server, 0)], 'delivered'); // warm up (bind, plans)
      const latencies: number[] = [];
      for (let i = 1; i <= SAMPLES; i++) {
        const t0 = performance.now();
        const id = await enqueue(server, i);
        await waitAll(server, [id], 'delivered');
        latencies.push(performance.now() - t0);
      }
      const t1 = performance.now();
      const ids: string[] = [];
      for (let i = 0; i < BURST; i++) ids.push(await enqueue(server, 1000 + i));
      const enqueueSeconds = (performance.now() - t1) / 1000;
      await waitAll(server, ids, 'delivered');
      const drainSeconds = (performance.now() - t1) / 1000;
      console.log(
        `${dbLabel.padEnd(9)} ${provider.padEnd(7)} commit→delivered p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms | ` +
          `enqueue ${(BURST / enqueueSeconds).toFixed(0)} tx/s | ${BURST} delivered in ${drainSeconds.toFixed(1)} s (${(BURST / drainSeconds).toFixed(0)}/s)`,
      );
    } finally {
      await server.close();
      await storage.drop();
    }
  }
  await smsc.close();
}

delete process.env.DATABASE_URL;
await run('pglite');
process.env.DATABASE_URL = PG_URL;
await run('postgres');
