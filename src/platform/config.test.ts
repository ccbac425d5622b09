import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('starts on the embedded defaults with no environment at all', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({ port: 3000, env: 'development', databaseUrl: null, dataDir: '/srv/app/data', defaultLanguage: 'ru' });
    expect(config.otp).toMatchObject({ ttlSeconds: 300, resendCooldownSeconds: 60, maxAttempts: 5, sendLimitPerPhone: 3 });
    expect(config.sms.provider).toBe('outbox');
  });

  it('names every bad value in one error', () => {
    try {
      loadConfig({ PORT: 'eighty', NODE_ENV: 'prod', DATABASE_URL: 'mysql://x', OTP_MAX_ATTEMPTS: '0', SMS_PROVIDER: 'smpp' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'NODE_ENV', 'DATABASE_URL', 'OTP_MAX_ATTEMPTS', 'SMPP_URL']) expect(problems).toContain(name);
    }
  });

  it('refuses to run production without real keys or with the dev SMS outbox', () => {
    let problems: string[] = [];
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.join('\n')).toMatch(/SECRET_KEY/);
    expect(problems.join('\n')).toMatch(/ENCRYPTION_KEY/);
    expect(problems.join('\n')).toMatch(/SMS_PROVIDER=outbox/);
  });

  it('accepts keys as hex or base64 of 32 bytes and refuses other lengths', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ SECRET_KEY: hex }).secretKey.toString('hex')).toBe(hex);
    expect(loadConfig({ SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }).secretKey).toEqual(Buffer.alloc(32, 7));
    expect(() => loadConfig({ SECRET_KEY: 'short' })).toThrow(/SECRET_KEY/);
  });

  it('reads TRUST_PROXY as a hop count or a list of proxy addresses, and refuses "true"', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1' }).http.trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5', '::1']);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).http.trustProxy).toEqual(['loopback']);
    for (const bad of ['true', '10.0.0.0/33', 'proxy.example', '1.2.3.4/8/1']) expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });

  it('keeps metrics and API docs internal in production unless told otherwise', () => {
    const prod = { NODE_ENV: 'production', SECRET_KEY: 'ab'.repeat(32), ENCRYPTION_KEY: 'cd'.repeat(32), SMS_PROVIDER: 'http', SMS_HTTP_URL: 'http://sms.local/send' };
    expect(loadConfig(prod).ops).toEqual({ metricsToken: null, apiDocs: 'protected' });
    expect(loadConfig({}).ops).toEqual({ metricsToken: null, apiDocs: 'public' });
    expect(loadConfig({ ...prod, API_DOCS: 'public' }).ops.apiDocs).toBe('public');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('defaults PUBLIC_URL to the local address and HTTP timeouts to finite values', () => {
    const config = loadConfig({});
    expect(config.http.publicUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig({ PUBLIC_URL: 'https://id.example.kz/' }).http.publicUrl).toBe('https://id.example.kz');
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://id.example.kz' })).toThrow(/PUBLIC_URL/);
    expect(config.http).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 5_000 });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });
});
