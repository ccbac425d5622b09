// The only file that reads process.env. Every other module receives the typed Config.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LANGUAGES, type Language } from './language.js';

export { LANGUAGES, type Language } from './language.js';

/** false: no proxy; a number: that many proxy hops; a list: the proxies' addresses or CIDRs. */
export type TrustProxy = false | number | string[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;
const NODE_ENVS = ['development', 'test', 'production'] as const;
type NodeEnv = (typeof NODE_ENVS)[number];

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

  decimal(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^-?\d+(\.\d+)?$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
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
  key(name: string, env: NodeEnv): Buffer {
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

/**
 * The configuration: every setting with its environment variable, default and allowed range, in one
 * place. Its shape is the type `Config` (inferred from here, so it cannot drift from what is loaded).
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()) {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', NODE_ENVS, 'development');
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
  const publicUrl = r.url('PUBLIC_URL') ?? 'http://127.0.0.1:3000';
  if (!/^https?:\/\//.test(publicUrl)) r.problems.push('PUBLIC_URL must be an http:// or https:// address');
  const metricsToken = r.optional('METRICS_TOKEN');
  if (metricsToken !== null && metricsToken.length < 16) r.problems.push('METRICS_TOKEN must be at least 16 characters');

  const config = {
    env: nodeEnv,
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST', '127.0.0.1'),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, nodeEnv === 'test' ? 'warn' : 'info'),
    /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
    databaseUrl,
    dataDir: path.resolve(cwd, r.string('DATA_DIR', './data')),
    /** Folder with shared face data (demo registry, test videos). */
    faceDataDir: path.resolve(cwd, r.string('FACE_DATA_DIR', '../shared/faces')),
    /** Secret for HMACs of one-time codes and tokens. */
    secretKey: r.key('SECRET_KEY', nodeEnv),
    /** AES-256-GCM key for biometric data at rest (32 bytes). */
    encryptionKey: r.key('ENCRYPTION_KEY', nodeEnv),
    supportUrl: r.string('SUPPORT_URL', 'https://egov.kz/cms/en/support'),
    /** The support-centre link per page language (SUPPORT_URL_KK/_RU/_EN, each falling back to SUPPORT_URL). */
    supportUrls: {
      kk: r.string('SUPPORT_URL_KK', r.string('SUPPORT_URL', 'https://egov.kz/cms/kk/support')),
      ru: r.string('SUPPORT_URL_RU', r.string('SUPPORT_URL', 'https://egov.kz/cms/ru/support')),
      en: r.string('SUPPORT_URL_EN', r.string('SUPPORT_URL', 'https://egov.kz/cms/en/support')),
    },
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
    /** The citizen's sign-in with a code and the sessions that follow (src/session). */
    session: {
      /** A session ends after this long without a request, and this long after it began whatever happens. */
      idleTimeoutSeconds: r.int('SESSION_IDLE_TIMEOUT_SECONDS', 1800, 1, 86400),
      absoluteTimeoutSeconds: r.int('SESSION_ABSOLUTE_TIMEOUT_SECONDS', 12 * 3600, 1, 30 * 86400),
      /** A started sign-in (phone → code) can be finished within this. */
      signinTtlSeconds: r.int('SIGNIN_TTL_SECONDS', 900, 30, 86400),
      /** Sign-in codes: the registration's code rules (otp) with their own send limits. */
      sendLimitPerPhone: r.int('SIGNIN_SEND_LIMIT_PER_PHONE', 5, 1, 1000),
      sendLimitPerIp: r.int('SIGNIN_SEND_LIMIT_PER_IP', 30, 1, 1_000_000),
      sendLimitWindowSeconds: r.int('SIGNIN_SEND_LIMIT_WINDOW_SECONDS', 900, 1, 86400),
    },
    /** Passkeys (WebAuthn) of the citizen's Digital ID (src/session/passkey*); relying party: PUBLIC_URL's host. */
    passkey: {
      /** A registration or sign-in ceremony must finish within this; its challenge is then refused. */
      challengeTtlSeconds: r.int('PASSKEY_CHALLENGE_TTL_SECONDS', 120, 10, 600),
      /** Unfinished sign-in ceremonies one address may hold at once (each is a stored challenge). */
      openChallengesPerIp: r.int('PASSKEY_OPEN_CHALLENGES_PER_IP', 30, 1, 1_000_000),
      maxPerProfile: r.int('PASSKEY_MAX_PER_PROFILE', 10, 1, 100),
    },
    /** A change of the Digital ID's phone (src/profile): the code rules (otp) with their own send limits. */
    phoneChange: {
      /** A started change (new phone → code) can be finished within this. */
      ttlSeconds: r.int('PHONE_CHANGE_TTL_SECONDS', 900, 30, 86400),
      sendLimitPerPhone: r.int('PHONE_CHANGE_SEND_LIMIT_PER_PHONE', 3, 1, 1000),
      sendLimitPerIp: r.int('PHONE_CHANGE_SEND_LIMIT_PER_IP', 30, 1, 1_000_000),
      sendLimitWindowSeconds: r.int('PHONE_CHANGE_SEND_LIMIT_WINDOW_SECONDS', 900, 1, 86400),
    },
    registration: {
      idleTimeoutSeconds: r.int('REGISTRATION_IDLE_TIMEOUT_SECONDS', 1800, 60, 86400),
      /** IINs looked up in the registry: per registration (then it ends), per phone and per IP per day. */
      iinAttempts: {
        perRegistration: r.int('IIN_ATTEMPTS_PER_REGISTRATION', 5, 1, 100),
        perPhonePerDay: r.int('IIN_ATTEMPTS_PER_PHONE_PER_DAY', 10, 1, 10_000),
        perIpPerDay: r.int('IIN_ATTEMPTS_PER_IP_PER_DAY', 200, 1, 1_000_000),
      },
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
      /** A send still in progress after this long is presumed lost (e.g. the process crashed) and retried. */
      sendExpireSeconds: r.int('SMS_SEND_EXPIRE_SECONDS', 120, 1, 3600),
    },
    queue: {
      /** How often pg-boss supervises: expires stuck jobs, archives finished ones. */
      maintenanceIntervalSeconds: r.int('QUEUE_MAINTENANCE_INTERVAL_SECONDS', 60, 1, 3600),
    },
    videoCheck: {
      challenges: r.string('VIDEO_CHECK_CHALLENGES', 'random'),
      /** Challenges drawn per check when VIDEO_CHECK_CHALLENGES=random. */
      challengeCount: r.int('VIDEO_CHECK_CHALLENGE_COUNT', 2, 1, 5),
      /** Fused similarity (match.rules.ts FACE_PIPELINE) at or above which the face matches: just above every impostor pair of eval:faces. */
      matchThreshold: r.decimal('VIDEO_CHECK_MATCH_THRESHOLD', 0.88, -1, 1),
      /** Engine worker threads (default: the machine's cores) and the most frames waiting for them. */
      poolSize: r.int('VIDEO_CHECK_POOL_SIZE', Math.max(1, os.availableParallelism()), 1, 64),
      queueMaxFrames: r.int('VIDEO_CHECK_QUEUE_MAX_FRAMES', 256, 1, 100_000),
      /** A frame taking longer than this is abandoned and its worker replaced. */
      frameTimeoutMs: r.int('VIDEO_CHECK_FRAME_TIMEOUT_MS', 30_000, 100, 600_000),
      checkTtlSeconds: r.int('VIDEO_CHECK_TTL_SECONDS', 180, 10, 3600),
      maxFailedChecks: r.int('VIDEO_CHECK_MAX_FAILED', 3, 1, 100),
      lockMinutes: r.int('VIDEO_CHECK_LOCK_MINUTES', 15, 1, 10_080),
      /** Checks issued per registration and per IP within the window (abandoned ones count). */
      issueLimit: {
        perRegistration: r.int('VIDEO_CHECK_ISSUE_LIMIT_PER_REGISTRATION', 10, 1, 1000),
        perIp: r.int('VIDEO_CHECK_ISSUE_LIMIT_PER_IP', 120, 1, 1_000_000),
        windowSeconds: r.int('VIDEO_CHECK_ISSUE_LIMIT_WINDOW_SECONDS', 3600, 1, 86400),
      },
      evidenceRetentionDays: r.int('VIDEO_CHECK_EVIDENCE_RETENTION_DAYS', 30, 0, 3650),
      capture: {
        minFrames: r.int('VIDEO_CHECK_MIN_FRAMES', 8, 2, 200),
        maxFrames: r.int('VIDEO_CHECK_MAX_FRAMES', 96, 2, 500),
        maxFrameBytes: r.int('VIDEO_CHECK_MAX_FRAME_BYTES', 512 * 1024, 10_000, 20 * 1024 * 1024),
        fps: r.int('VIDEO_CHECK_FPS', 15, 1, 60),
        passiveSeconds: r.decimal('VIDEO_CHECK_PASSIVE_SECONDS', 4, 1, 30),
      },
      quality: {
        minFaceRatio: r.decimal('VIDEO_CHECK_MIN_FACE_RATIO', 0.2, 0, 1),
        maxCenterOffset: r.decimal('VIDEO_CHECK_MAX_CENTER_OFFSET', 0.3, 0, 1),
        minBrightness: r.decimal('VIDEO_CHECK_MIN_BRIGHTNESS', 40, 0, 255),
        maxBrightness: r.decimal('VIDEO_CHECK_MAX_BRIGHTNESS', 225, 0, 255),
        minSharpness: r.decimal('VIDEO_CHECK_MIN_SHARPNESS', 25, 0, 100_000),
      },
      liveness: {
        turnYawDegrees: r.decimal('VIDEO_CHECK_TURN_YAW_DEGREES', 10, 1, 90),
        blinkClosedRatio: r.decimal('VIDEO_CHECK_BLINK_CLOSED_RATIO', 0.7, 0.1, 0.99),
        minBlinkFrames: r.int('VIDEO_CHECK_MIN_BLINK_FRAMES', 1, 1, 20),
        challengeWindowMs: r.int('VIDEO_CHECK_CHALLENGE_WINDOW_MS', 3000, 500, 60_000),
        minEyeDetail: r.decimal('VIDEO_CHECK_MIN_EYE_DETAIL', 1.5, 0, 100),
        minBlinkDetailShare: r.decimal('VIDEO_CHECK_MIN_BLINK_DETAIL_SHARE', 0.5, 0, 10),
        minRigidFit: r.decimal('VIDEO_CHECK_MIN_RIGID_FIT', 0.5, 0, 1),
        minPeripheryToNose: r.decimal('VIDEO_CHECK_MIN_PERIPHERY_TO_NOSE', 0.45, 0, 10),
        maxBackgroundToPeriphery: r.decimal('VIDEO_CHECK_MAX_BACKGROUND_TO_PERIPHERY', 0.8, 0, 10),
        minExpressionMotion: r.decimal('VIDEO_CHECK_MIN_EXPRESSION_MOTION', 0.12, 0, 10),
        minShapeMotion: r.decimal('VIDEO_CHECK_MIN_SHAPE_MOTION', 0.026, 0, 1),
        minLivenessScore: r.decimal('VIDEO_CHECK_MIN_LIVENESS_SCORE', 0.6, 0, 1),
        minGoodFrameShare: r.decimal('VIDEO_CHECK_MIN_GOOD_FRAME_SHARE', 0.6, 0, 1),
      },
    },
    staff: {
      /** A staff session ends after this long without a request. */
      idleTimeoutSeconds: r.int('STAFF_IDLE_TIMEOUT_SECONDS', 900, 1, 86400),
      /** Failed logins of one login from one address before its back-off starts; the longest back-off. */
      maxFailedLogins: r.int('STAFF_MAX_FAILED_LOGINS', 5, 1, 100),
      lockSeconds: r.int('STAFF_LOCK_SECONDS', 900, 1, 86400),
      /** Failed logins from one address (any login) before that address is slowed down. */
      loginIpMaxFailures: r.int('STAFF_LOGIN_IP_MAX_FAILURES', 30, 1, 100_000),
      /** Failed logins of one login from unknown clients (any address) before the account-wide back-off. */
      loginAccountMaxFailures: r.int('STAFF_LOGIN_ACCOUNT_MAX_FAILURES', 20, 1, 100_000),
    },
    http: {
      /** Proxies in front of us: none, a number of hops, or their addresses/CIDRs (readTrustProxy below; applied in app.ts). */
      trustProxy: readTrustProxy(r.optional('TRUST_PROXY'), r.problems),
      /** The address citizens use; https turns on HSTS and upgrade-insecure-requests. */
      publicUrl: publicUrl.replace(/\/+$/, ''),
      /** The whole request head must arrive within this (slow-loris headers). */
      headersTimeoutMs: r.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      /** The whole request, body included, must arrive within this. */
      requestTimeoutMs: r.int('HTTP_REQUEST_TIMEOUT_MS', 120_000, 100, 3_600_000),
      /** An idle keep-alive connection is closed after this. */
      keepAliveTimeoutMs: r.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    },
    oidc: {
      /** A rotated-out signing key stays in the JWKS this long (at least the ID token lifetime). */
      keyRetentionSeconds: r.int('OIDC_KEY_RETENTION_SECONDS', 86_400, 3_600, 90 * 86_400),
      /** How often a running server looks for a rotated key (npm run oidc:rotate-keys) and expired records. */
      keyRefreshSeconds: r.int('OIDC_KEY_REFRESH_SECONDS', 60, 1, 3_600),
    },
    ops: {
      /** Bearer token for /metrics (and protected API docs); required to expose them in production. */
      metricsToken,
      /** The OpenAPI documentation at /api/docs: public, protected (METRICS_TOKEN) or off. */
      apiDocs: r.oneOf('API_DOCS', ['public', 'protected', 'off'] as const, nodeEnv === 'production' ? 'protected' : 'public'),
    },
  };
  if (config.session.idleTimeoutSeconds > config.session.absoluteTimeoutSeconds) {
    r.problems.push('SESSION_IDLE_TIMEOUT_SECONDS must not exceed SESSION_ABSOLUTE_TIMEOUT_SECONDS');
  }
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    r.problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** The typed configuration every module receives (its shape is what loadConfig returns). */
export type Config = ReturnType<typeof loadConfig>;

/**
 * TRUST_PROXY: empty (no proxy), a number of proxy hops, or a comma-separated list of proxy addresses or
 * CIDRs. `true` is refused: it would take the leftmost X-Forwarded-For, which the client writes.
 */
function readTrustProxy(raw: string | null, problems: string[]): TrustProxy {
  if (raw === null || raw === '0' || raw === 'false') return false;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = entries.filter((e) => !isAddressOrCidr(e));
  if (entries.length === 0 || bad.length > 0) {
    problems.push(`TRUST_PROXY must be a number of proxy hops or a comma-separated list of proxy addresses/CIDRs (got "${raw}")`);
    return false;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const version = net.isIP(address);
  if (version === 0) return ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/** A fresh random 32-byte key, e.g. for tests that need isolated secrets. */
export function randomKey(): Buffer {
  return randomBytes(32);
}
