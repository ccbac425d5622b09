// The only file that reads process.env. Every other module receives the typed Config.
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export type Language = 'kk' | 'ru' | 'en';
export const LANGUAGES: readonly Language[] = ['kk', 'ru', 'en'];

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  logLevel: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl: string | null;
  dataDir: string;
  /** Folder with shared face data (demo registry, test videos). */
  faceDataDir: string;
  /** Secret for HMACs of one-time codes and tokens. */
  secretKey: Buffer;
  /** AES-256-GCM key for biometric data at rest (32 bytes). */
  encryptionKey: Buffer;
  supportUrl: string;
  defaultLanguage: Language;
  otp: {
    length: number;
    ttlSeconds: number;
    resendCooldownSeconds: number;
    maxAttempts: number;
    sendLimitPerPhone: number;
    sendLimitPerIp: number;
    sendLimitWindowSeconds: number;
  };
  registration: {
    idleTimeoutSeconds: number;
  };
  registry: {
    provider: 'embedded' | 'http';
    url: string | null;
    timeoutMs: number;
  };
  sms: {
    provider: 'outbox' | 'smpp' | 'http';
    smpp: { url: string | null; systemId: string; password: string; sourceAddr: string };
    http: { url: string | null; token: string | null };
    maxRetries: number;
  };
  videoCheck: {
    challenges: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  optional(name: string): string | null {
    const value = this.env[name];
    return value === undefined || value === '' ? null : value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string): string | null {
    const raw = this.optional(name);
    if (raw === null) return null;
    try {
      new URL(raw);
      return raw;
    } catch {
      this.problems.push(`${name} must be a URL (got "${raw}")`);
      return null;
    }
  }

  /** A key given as 64 hex characters or base64 of 32 bytes; generated per process outside production. */
  key(name: string, env: Config['env']): Buffer {
    const raw = this.optional(name);
    if (raw === null) {
      if (env === 'production') this.problems.push(`${name} is required in production (32 bytes as hex or base64)`);
      return devKey(name);
    }
    const buf = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (buf.length !== 32) {
      this.problems.push(`${name} must be 32 bytes as 64 hex characters or base64`);
      return devKey(name);
    }
    return buf;
  }
}

// Outside production a stable key per name keeps a restarted dev server able to read its own data.
// It is derived from the name only, so it protects nothing: production must set real keys.
function devKey(name: string): Buffer {
  const seed = Buffer.alloc(32);
  Buffer.from(`digital-id-dev-${name}`).copy(seed);
  return seed;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const databaseUrl = r.optional('DATABASE_URL');
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    r.problems.push(`DATABASE_URL must start with postgres:// or postgresql://`);
  }
  const registryProvider = r.oneOf('REGISTRY_PROVIDER', ['embedded', 'http'] as const, env.REGISTRY_URL ? 'http' : 'embedded');
  const registryUrl = r.url('REGISTRY_URL');
  if (registryProvider === 'http' && registryUrl === null) r.problems.push('REGISTRY_URL is required when REGISTRY_PROVIDER=http');
  const smsProvider = r.oneOf('SMS_PROVIDER', ['outbox', 'smpp', 'http'] as const, 'outbox');
  const smppUrl = r.optional('SMPP_URL');
  if (smsProvider === 'smpp' && smppUrl === null) r.problems.push('SMPP_URL (smpp://host:port) is required when SMS_PROVIDER=smpp');
  const smsHttpUrl = r.url('SMS_HTTP_URL');
  if (smsProvider === 'http' && smsHttpUrl === null) r.problems.push('SMS_HTTP_URL is required when SMS_PROVIDER=http');
  if (nodeEnv === 'production' && smsProvider === 'outbox') r.problems.push('SMS_PROVIDER=outbox is for development only; choose smpp or http in production');

  const config: Config = {
    env: nodeEnv,
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST', '127.0.0.1'),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, nodeEnv === 'test' ? 'warn' : 'info'),
    databaseUrl,
    dataDir: path.resolve(cwd, r.string('DATA_DIR', './data')),
    faceDataDir: path.resolve(cwd, r.string('FACE_DATA_DIR', '../shared/faces')),
    secretKey: r.key('SECRET_KEY', nodeEnv),
    encryptionKey: r.key('ENCRYPTION_KEY', nodeEnv),
    supportUrl: r.string('SUPPORT_URL', 'https://egov.kz/cms/en/support'),
    defaultLanguage: r.oneOf('DEFAULT_LANGUAGE', LANGUAGES, 'ru'),
    otp: {
      length: 6,
      ttlSeconds: r.int('OTP_TTL_SECONDS', 300, 30, 3600),
      resendCooldownSeconds: r.int('OTP_RESEND_COOLDOWN_SECONDS', 60, 0, 3600),
      maxAttempts: r.int('OTP_MAX_ATTEMPTS', 5, 1, 20),
      sendLimitPerPhone: r.int('OTP_SEND_LIMIT_PER_PHONE', 3, 1, 1000),
      sendLimitPerIp: r.int('OTP_SEND_LIMIT_PER_IP', 30, 1, 1_000_000),
      sendLimitWindowSeconds: r.int('OTP_SEND_LIMIT_WINDOW_SECONDS', 900, 1, 86400),
    },
    registration: {
      idleTimeoutSeconds: r.int('REGISTRATION_IDLE_TIMEOUT_SECONDS', 1800, 60, 86400),
    },
    registry: {
      provider: registryProvider,
      url: registryUrl,
      timeoutMs: r.int('REGISTRY_TIMEOUT_MS', 5000, 100, 60000),
    },
    sms: {
      provider: smsProvider,
      smpp: {
        url: smppUrl,
        systemId: r.string('SMPP_SYSTEM_ID', 'digitalid'),
        password: r.string('SMPP_PASSWORD', ''),
        sourceAddr: r.string('SMPP_SOURCE_ADDR', 'DigitalID'),
      },
      http: { url: smsHttpUrl, token: r.optional('SMS_HTTP_TOKEN') },
      maxRetries: r.int('SMS_MAX_RETRIES', 5, 0, 100),
    },
    videoCheck: {
      challenges: r.string('VIDEO_CHECK_CHALLENGES', 'random'),
    },
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** A fresh random 32-byte key, e.g. for tests that need isolated secrets. */
export function randomKey(): Buffer {
  return randomBytes(32);
}
