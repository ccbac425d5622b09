// Prints how long a sign-in start (POST /api/v1/sessions) takes for a phone with a Digital ID, one with
// none and one whose Digital ID is blocked. They must be alike (issue 12: no enumeration by timing): all
// three store a code and queue one SMS in the same single call (signin_start), only the SMS text differs.
// npx tsx bench/signin-enumeration.bench.ts [rounds=30]
import { performance } from 'node:perf_hooks';
import { startTestServer } from '../test/support/test-server.js';
import { citizenWithDigitalId } from '../test/support/citizen-session.js';
import { randomPhone } from '../test/support/citizens.js';

const rounds = Number(process.argv[2] ?? 30);
// Generous limits: this measures the answer, not the send limits.
const server = await startTestServer({ SIGNIN_SEND_LIMIT_PER_PHONE: '1000', SIGNIN_SEND_LIMIT_PER_IP: '1000000', OTP_SEND_LIMIT_PER_IP: '1000000' });
try {
  // Five phones of each kind, each asked as often, so each phone's earlier codes (counted by the send
  // limit, voided by the next code) weigh alike.
  const PHONES = 5;
  const registered: string[] = [];
  const blocked: string[] = [];
  for (let i = 0; i < PHONES; i++) {
    registered.push((await citizenWithDigitalId(server)).phone);
    const toBlock = await citizenWithDigitalId(server);
    await server.ctx.db.updateTable('digital_profiles').set({ blocked_at: new Date() }).where('iin', '=', toBlock.iin).execute();
    blocked.push(toBlock.phone);
  }
  const strangers = Array.from({ length: PHONES }, () => randomPhone());
  const timings: Record<string, number[]> = { 'phone with a Digital ID': [], 'phone with none': [], 'phone of a blocked Digital ID': [] };
  const start = async (phone: string) => {
    const started = performance.now();
    const res = await server.request('POST', '/api/v1/sessions', { body: { phone } });
    if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${JSON.stringify(res.body)}`);
    return performance.now() - started;
  };
  await start(randomPhone());
  for (let i = 0; i < rounds; i++) {
    // Interleaved, so a change in machine load affects all three alike.
    timings['phone with a Digital ID'].push(await start(registered[i % PHONES]));
    timings['phone with none'].push(await start(strangers[i % PHONES]));
    timings['phone of a blocked Digital ID'].push(await start(blocked[i % PHONES]));
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  console.log(`sign-in starts over HTTP (${server.dbKind}, ${rounds} rounds)`);
  console.table(Object.entries(timings).map(([kind, xs]) => ({ kind, 'median ms': pct(xs, 0.5).toFixed(2), 'p90 ms': pct(xs, 0.9).toFixed(2) })));
  const known = pct(timings['phone with a Digital ID'], 0.5);
  console.log(`median none / with = ${(pct(timings['phone with none'], 0.5) / known).toFixed(2)}, blocked / with = ${(pct(timings['phone of a blocked Digital ID'], 0.5) / known).toFixed(2)}`);
} finally {
  await server.close();
}
