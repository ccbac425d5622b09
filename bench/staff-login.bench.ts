// Prints how long a failed staff sign-in takes for an unknown login and for a known login with a wrong
// password (they must be comparable: both run argon2), over HTTP against a fresh database.
// npx tsx bench/staff-login.bench.ts [rounds=20]
import { performance } from 'node:perf_hooks';
import { startTestServer } from '../test/support/test-server.js';
import { createStaffAccount } from '../test/support/staff-client.js';

const rounds = Number(process.argv[2] ?? 20);
// Generous limits: this measures the answer, not the throttle.
const server = await startTestServer({ TRUST_PROXY: '1', STAFF_MAX_FAILED_LOGINS: '100', STAFF_LOGIN_IP_MAX_FAILURES: '100000', STAFF_LOGIN_ACCOUNT_MAX_FAILURES: '100000' });
try {
  const account = await createStaffAccount(server, 'moderator');
  const timings: Record<string, number[]> = { 'known login, wrong password': [], 'unknown login': [] };
  const attempt = async (login: string, ip: string) => {
    const started = performance.now();
    const res = await server.request('POST', '/api/v1/staff/login', { body: { login, password: 'wrong password', totp: '000000' }, headers: { 'x-forwarded-for': ip } });
    if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
    return performance.now() - started;
  };
  await attempt('warm.up', '192.0.2.1');
  for (let i = 0; i < rounds; i++) {
    // Interleaved, so a change in machine load affects both alike.
    timings['known login, wrong password'].push(await attempt(account.login, `192.0.2.${(i % 200) + 2}`));
    timings['unknown login'].push(await attempt(`nobody.${i}`, `192.0.2.${(i % 200) + 2}`));
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
  console.log(`staff sign-in failures over HTTP (${server.dbKind}, ${rounds} rounds)`);
  console.table(Object.entries(timings).map(([kind, xs]) => ({ kind, 'median ms': pct(xs, 0.5).toFixed(1), 'p90 ms': pct(xs, 0.9).toFixed(1) })));
  const ratio = pct(timings['unknown login'], 0.5) / pct(timings['known login, wrong password'], 0.5);
  console.log(`median unknown / known = ${ratio.toFixed(2)}`);
} finally {
  await server.close();
}
