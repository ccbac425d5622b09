// The HTTP edge: security headers, who may read metrics and API docs, request timeouts against slow
// clients, and the start-up warning for a development server reachable from the network.
import net from 'node:net';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging.js';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';

function captureLogs() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

const OPS_TOKEN = 'ops-token-0123456789abcdef';

describe(`security headers and operations endpoints on ${testDbKind}`, () => {
  const logs = captureLogs();
  const server = useTestServer({ PUBLIC_URL: 'https://id.example.kz', METRICS_TOKEN: OPS_TOKEN, API_DOCS: 'protected' }, { logger: logs.logger });

  it.each([
    ['the web app', '/'],
    ['an API answer', '/api/v1/registrations/00000000-0000-4000-8000-000000000000'],
    ['a face model file', '/models/tfjs-wasm/missing.wasm'],
  ])('sends a strict CSP and the other security headers on %s', async (_what, path) => {
    const res = await server.request('GET', path);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain('upgrade-insecure-requests');
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
  });

  it('widens the policy only where a page needs it: service logos on the consent page, the provider posting back to services', async () => {
    const consent = (await server.request('GET', '/consent/some-interaction')).headers.get('content-security-policy') ?? '';
    expect(consent).toMatch(/img-src 'self' data: blob: https:(;|$)/);
    expect(consent).toContain("form-action 'self'");
    expect(consent).toContain("frame-ancestors 'none'");
    // The provider's logout confirmation posts, then redirects to the service's registered address.
    const provider = (await server.request('GET', '/oidc/session/end')).headers.get('content-security-policy') ?? '';
    expect(provider).toMatch(/form-action 'self' https: http:(;|$)/);
    expect(provider).toContain("frame-ancestors 'none'");
    const app = (await server.request('GET', '/')).headers.get('content-security-policy') ?? '';
    expect(app).toMatch(/form-action 'self'(;|$)/);
    expect(app).toMatch(/img-src 'self' data: blob:(;|$)/);
  });

  it('guards /metrics with the operations token', async () => {
    const anonymous = await server.request('GET', '/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('OPS_UNAUTHORIZED');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await server.request('GET', '/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const allowed = await server.request('GET', '/metrics', { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('http_requests_total');
  });

  it('guards the API documentation with the same token when API_DOCS=protected', async () => {
    expect((await server.request('GET', '/api/docs/json')).status).toBe(401);
    expect((await server.request('GET', '/api/docs')).status).toBe(401);
    const json = await server.request('GET', '/api/docs/json', { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toContain('/api/v1/registrations');
    const page = await server.request('GET', '/api/docs/static/index.html', { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('does not warn about exposure when listening on loopback', () => {
    expect(logs.lines.join('')).not.toContain('non-loopback');
  });
});

describe(`a production server on ${testDbKind}`, () => {
  const server = useTestServer({
    NODE_ENV: 'production',
    SECRET_KEY: 'ab'.repeat(32),
    ENCRYPTION_KEY: 'cd'.repeat(32),
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: 'http://127.0.0.1:9/sms',
  });

  it('exposes neither metrics nor API docs nor the SMS outbox without an operations token', async () => {
    for (const path of ['/metrics', '/api/docs/json', '/api/docs', '/api/v1/dev/sms?phone=%2B77011234567']) {
      expect((await server.request('GET', path)).status, path).toBe(404);
    }
  });

  it('sends no HSTS while PUBLIC_URL is plain http', async () => {
    const res = await server.request('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

/** Opens a raw connection, writes `head`, then `drip` one byte every `everyMs`; resolves when the server closes it. */
function slowClient(port: number, head: string, drip: string, everyMs: number): Promise<{ closedAfterMs: number; bytesSent: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let bytesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      bytesSent = head.length;
      let i = 0;
      timer = setInterval(() => {
        if (socket.destroyed || socket.writableEnded) return;
        socket.write(drip[i % drip.length]);
        bytesSent++;
        i++;
      }, everyMs);
    });
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined); // a reset is also the server cutting us off
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, bytesSent, answer });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('the server kept a slow connection open for 20 s'));
    }, 20_000).unref();
  });
}

describe(`request timeouts on ${testDbKind} (and a development server on every interface)`, () => {
  let port: number;
  const logs = captureLogs();
  const server = useTestServer(
    {
      NODE_ENV: 'development',
      HOST: '0.0.0.0',
      HTTP_HEADERS_TIMEOUT_MS: '3000',
      HTTP_REQUEST_TIMEOUT_MS: '4000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
    },
    { logger: logs.logger },
  );
  beforeAll(async () => {
    port = Number(new URL(server.url).port);
  });

  it('warns loudly at start-up that development mode listens on a non-loopback address', () => {
    const warning = logs.lines.map((l) => JSON.parse(l)).find((l) => /non-loopback/.test(l.msg));
    expect(warning).toMatchObject({ level: 40, env: 'development', addresses: ['0.0.0.0'] });
    expect(warning.msg).toContain('NODE_ENV=production');
  });

  it('cuts off a slow-loris client sending its headers one byte every 2 s', async () => {
    const result = await slowClient(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaa', 2000);
    // Each byte kept the connection busy: only the headers timeout can have ended it.
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(2500);
    expect(result.closedAfterMs).toBeLessThan(8000);
    expect(result.answer === '' || result.answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts off a client dripping its body one byte every 2 s', async () => {
    const head = 'POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
    const result = await slowClient(port, head, '{"phone":"+77011234567"', 2000);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(3500);
    expect(result.closedAfterMs).toBeLessThan(9000);
    expect(result.answer).not.toContain('201 Created');
  });

  it('cuts off twenty slow-loris connections at once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => slowClient(port, 'GET /healthz HTTP/1.1\r\n', 'Host: slow.example', 2000)));
    for (const r of results) expect(r.closedAfterMs).toBeLessThan(8000);
    expect((await server.request('GET', '/healthz')).status).toBe(200);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const result = await slowClient(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', '', 60_000);
    expect(result.answer).toMatch(/^HTTP\/1.1 200/);
    expect(result.closedAfterMs).toBeLessThan(4000);
  });
});
