// Staff accounts and sign-in: argon2id password + RFC 6238 code, then an opaque session token kept
// in an HttpOnly cookie. Only HMACs of session tokens are stored; the CSRF token is derived from it.
import { randomBytes, randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import { Secret, TOTP } from 'otpauth';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import { decrypt, encrypt, hmacSha256, randomToken } from '../platform/crypto.js';
import { AppError } from '../platform/errors/app-error.js';
import { csrfTokenFor } from '../platform/csrf.js';
import { sessionStatus } from '../platform/session-lifetime.rules.js';
import { appendAudit } from '../audit/audit.store.js';
import * as store from './staff.store.js';
import { listAuditEvents } from './staff-audit.store.js';
import { StaffLoginGuard } from './staff-login-guard.js';
import {
  isAcceptablePassword,
  isValidLogin,
  SESSION_MAX_AGE_SECONDS,
  type StaffRole,
} from './staff.rules.js';

export const TOTP_ISSUER = 'Digital ID';
const TOTP_PERIOD = 30;
const TOTP_DIGITS = 6;
/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~0.2 s per sign-in on a loaded 2-core host. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Who is calling a staff route, resolved from the session cookie. */
export interface StaffPrincipal {
  id: string;
  login: string;
  role: StaffRole;
  passwordChangeRequired: boolean;
  sessionId: string;
  /** The actor written to the audit log. */
  actor: `staff:${string}`;
}

export interface NewStaffAccount {
  id: string;
  login: string;
  role: StaffRole;
  oneTimePassword: string;
  totpUri: string;
}

// Verifying against this when the login is unknown keeps the answer time the same as for a wrong password.
// Computed once per process (the first unknown login pays for one extra hash).
let dummyHash: Promise<string> | null = null;

function totpFor(secret: Buffer, login: string): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label: login, secret: new Secret({ buffer: new Uint8Array(secret).buffer }), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD });
}

function totpContext(staffId: string): string {
  return `staff-totp:${staffId}`;
}

/** 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I). */
function generateOneTimePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

export class StaffService {
  private readonly guard: StaffLoginGuard;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {
    this.guard = new StaffLoginGuard(config);
    void this.dummyHash(); // ready before the first unknown login, so that one is not slower either
  }

  async createAccount(login: string, role: StaffRole): Promise<NewStaffAccount> {
    if (!isValidLogin(login)) throw new AppError('VALIDATION_FAILED', { field: 'login', reason: 'login: lower-case letters, digits, . _ -' });
    const id = randomUUID();
    const oneTimePassword = generateOneTimePassword();
    const secret = randomBytes(20);
    const passwordHash = await argon2.hash(oneTimePassword, ARGON2_OPTIONS);
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await store.insertAccount(trx, {
        id,
        login,
        role,
        passwordHash,
        totpSecretEncrypted: encrypt(this.config.encryptionKey, secret, totpContext(id)),
      });
      if (inserted) await appendAudit(trx, { type: 'staff.account_created', actor: 'system', subject: login, details: { role } });
      return inserted;
    });
    if (!created) throw new AppError('STAFF_LOGIN_TAKEN');
    return { id, login, role, oneTimePassword, totpUri: totpFor(secret, login).toString() };
  }

  /** Current TOTP code of an account (the CLI's --show-code and tests; needs the encryption key). */
  async currentTotp(login: string, at = new Date()): Promise<string> {
    const account = await store.findAccountByLogin(this.db, login);
    if (!account) throw new AppError('NOT_FOUND');
    return totpFor(this.totpSecret(account), login).generate({ timestamp: at.getTime() });
  }

  /**
   * Password + TOTP sign-in behind the throttle buckets of staff-login-guard.ts. Unknown, disabled and
   * known logins get the same answers in comparable time: the password is always checked with argon2
   * (against a dummy hash when there is no account), and throttling depends on the login's text only.
   */
  async login(input: { login: string; password: string; totp: string; clientIp: string | null; deviceCookie?: string }): Promise<{ token: string; csrfToken: string; principal: StaffPrincipal; deviceCookie: string }> {
    const now = new Date();
    const found = await store.findAccountByLogin(this.db, input.login);
    const account = found && !found.disabled_at ? found : null;
    const attempt = this.guard.attempt({ login: input.login, clientIp: input.clientIp, deviceCookie: input.deviceCookie, account });
    const wait = await this.db.transaction().execute((trx) => this.guard.reserve(trx, attempt, input.clientIp, now));
    if (wait > 0) throw new AppError('STAFF_LOGIN_THROTTLED', { retryAfter: wait }, { 'retry-after': String(wait) });

    const passwordOk = (await argon2.verify(account?.password_hash ?? (await this.dummyHash()), input.password).catch(() => false)) && account !== null;
    const delta = passwordOk ? totpFor(this.totpSecret(account), account.login).validate({ token: input.totp, timestamp: now.getTime(), window: 1 }) : null;
    const counter = delta === null ? null : TOTP.counter({ period: TOTP_PERIOD, timestamp: now.getTime() }) + delta;

    const token = randomToken();
    const outcome = await this.db.transaction().execute(async (trx) => {
      const accepted = account !== null && counter !== null && (await store.saveLoginSuccess(trx, account.id, counter, now));
      if (!accepted) {
        const reason = !account ? 'unknown_login' : !passwordOk ? 'wrong_password' : counter === null ? 'wrong_totp' : 'replayed_totp';
        await appendAudit(trx, {
          type: 'staff.login_failed',
          actor: account ? `staff:${account.login}` : 'anonymous',
          subject: attempt.auditSubject,
          clientIp: input.clientIp,
          details: { reason },
        });
        return { ok: false as const };
      }
      await this.guard.succeeded(trx, attempt, now);
      const sessionId = randomUUID();
      await store.insertSession(trx, {
        id: sessionId,
        tokenHash: this.tokenHash(token),
        staffId: account.id,
        clientIp: input.clientIp,
        now,
        expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
      });
      await appendAudit(trx, { type: 'staff.login', actor: `staff:${account.login}`, subject: account.login, clientIp: input.clientIp, details: { sessionId } });
      return { ok: true as const, sessionId, account };
    });
    if (!outcome.ok) throw new AppError('STAFF_LOGIN_FAILED');
    const a = outcome.account;
    return {
      token,
      csrfToken: this.csrfToken(token),
      principal: { id: a.id, login: a.login, role: a.role, passwordChangeRequired: a.password_change_required, sessionId: outcome.sessionId, actor: `staff:${a.login}` },
      deviceCookie: this.guard.issueDeviceCookie(a.id),
    };
  }

  private dummyHash(): Promise<string> {
    dummyHash ??= argon2.hash(randomToken(), ARGON2_OPTIONS);
    return dummyHash;
  }

  /** Resolves a session token; refreshes its idle timer. Throws 401 when missing, ended or idle too long. */
  async authenticate(token: string | undefined): Promise<StaffPrincipal> {
    if (!token) throw new AppError('STAFF_UNAUTHENTICATED');
    const now = new Date();
    const row = await store.findSessionWithAccount(this.db, this.tokenHash(token));
    if (!row || row.disabledAt) throw new AppError('STAFF_UNAUTHENTICATED');
    const status = sessionStatus(row, now, { idleTimeoutSeconds: this.config.staff.idleTimeoutSeconds, absoluteTimeoutSeconds: SESSION_MAX_AGE_SECONDS });
    if (status === 'ended') throw new AppError('STAFF_UNAUTHENTICATED');
    if (status !== 'active') {
      await store.endSession(this.db, row.sessionId, now);
      throw new AppError('STAFF_SESSION_EXPIRED');
    }
    await store.touchSession(this.db, row.sessionId, now);
    return {
      id: row.staffId,
      login: row.login,
      role: row.role,
      passwordChangeRequired: row.passwordChangeRequired,
      sessionId: row.sessionId,
      actor: `staff:${row.login}`,
    };
  }

  /** The latest audit events for the admin console, newest first (at most 500). */
  auditEvents(filter: { type?: string; limit?: number }) {
    return listAuditEvents(this.db, { type: filter.type, limit: Math.min(filter.limit ?? 100, 500) });
  }

  csrfToken(sessionToken: string): string {
    return csrfTokenFor(this.config.secretKey, 'staff-csrf', sessionToken);
  }

  async logout(principal: StaffPrincipal, clientIp: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await store.endSession(trx, principal.sessionId, new Date());
      await appendAudit(trx, { type: 'staff.logout', actor: principal.actor, subject: principal.login, clientIp });
    });
  }

  async changePassword(principal: StaffPrincipal, currentPassword: string, newPassword: string, clientIp: string | null): Promise<void> {
    const account = await store.findAccountById(this.db, principal.id);
    if (!account) throw new AppError('STAFF_UNAUTHENTICATED');
    if (!(await argon2.verify(account.password_hash, currentPassword).catch(() => false))) throw new AppError('STAFF_LOGIN_FAILED');
    if (!isAcceptablePassword(newPassword) || newPassword === currentPassword) throw new AppError('STAFF_PASSWORD_WEAK');
    const hash = await argon2.hash(newPassword, ARGON2_OPTIONS);
    await this.db.transaction().execute(async (trx) => {
      await store.savePassword(trx, account.id, hash);
      await store.endOtherSessions(trx, account.id, principal.sessionId, new Date());
      await appendAudit(trx, { type: 'staff.password_changed', actor: principal.actor, subject: account.login, clientIp });
    });
  }

  private tokenHash(token: string): Buffer {
    return hmacSha256(this.config.secretKey, 'staff-session', token);
  }

  private totpSecret(account: store.StaffAccountRow): Buffer {
    return decrypt(this.config.encryptionKey, account.totp_secret_encrypted, totpContext(account.id));
  }
}
