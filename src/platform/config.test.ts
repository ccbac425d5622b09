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
});
