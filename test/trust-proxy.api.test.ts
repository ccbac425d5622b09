// Behind a reverse proxy the per-IP limits must see the address the last trusted proxy saw, never the
// leftmost X-Forwarded-For entry, which the client writes. The test client plays the proxy on loopback.
import { describe, expect, it } from 'vitest';
import { testDbKind, type TestServer } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { randomPhone } from './support/citizens.js';

async function startRegistration(server: TestServer, forwardedFor: string) {
  return server.request('POST', '/api/v1/registrations', { body: { phone: randomPhone() }, headers: { 'x-forwarded-for': forwardedFor } });
}

describe(`TRUST_PROXY with a hop count on ${testDbKind}`, () => {
  const server = useTestServer({ TRUST_PROXY: '1', OTP_SEND_LIMIT_PER_IP: '2' });

  it('keeps the per-IP code limit when the client forges the leftmost X-Forwarded-For', async () => {
    // The proxy appends the address it saw (203.0.113.7); whatever the client put before it is ignored.
    expect((await startRegistration(server, '198.51.100.1, 203.0.113.7')).status).toBe(201);
    expect((await startRegistration(server, '198.51.100.2, 203.0.113.7')).status).toBe(201);
    const third = await startRegistration(server, '198.51.100.3, 203.0.113.7');
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('OTP_SEND_LIMIT');
  });

  it('counts two clients behind the same proxy separately', async () => {
    expect((await startRegistration(server, '203.0.113.20')).status).toBe(201);
    expect((await startRegistration(server, '203.0.113.20')).status).toBe(201);
    expect((await startRegistration(server, '203.0.113.21')).status).toBe(201);
    expect((await startRegistration(server, '203.0.113.20')).status).toBe(429);
  });
});

describe(`TRUST_PROXY with a list of proxy addresses on ${testDbKind}`, () => {
  // Two proxies: the load balancer (loopback, the test client) and an inner one in 10.0.0.0/8.
  const server = useTestServer({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8', OTP_SEND_LIMIT_PER_IP: '1' });

  it('takes the address the outermost trusted proxy saw, skipping forged and trusted entries', async () => {
    expect((await startRegistration(server, '198.51.100.9, 203.0.113.50, 10.1.2.3')).status).toBe(201);
    const forged = await startRegistration(server, '192.0.2.77, 203.0.113.50, 10.1.2.3');
    expect(forged.status).toBe(429);
    expect((await startRegistration(server, '198.51.100.9, 203.0.113.51, 10.1.2.3')).status).toBe(201);
  });
});

describe(`TRUST_PROXY naming proxies the client is not on ${testDbKind}`, () => {
  const direct = useTestServer({ TRUST_PROXY: '10.0.0.0/8', OTP_SEND_LIMIT_PER_IP: '1' });

  it('ignores X-Forwarded-For from an address that is not a listed proxy', async () => {
    expect((await startRegistration(direct, '203.0.113.60')).status).toBe(201);
    // 127.0.0.1 is not a trusted proxy, so its X-Forwarded-For is the client's own invention.
    expect((await startRegistration(direct, '203.0.113.61')).status).toBe(429);
  });
});
