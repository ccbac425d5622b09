// Sign-in throttling that an outsider cannot turn into a lockout of a real staff member.
//
// A client with a valid device cookie for the login (set by an earlier successful sign-in in this
// browser) is throttled only by its own failures: one bucket per device. Any other client is counted in
// three buckets, and must pass all three:
//   pair  (login, address): a few free failures, then a back-off doubling up to STAFF_LOCK_SECONDS;
//   ip    (address, any login): a larger allowance, against one address spraying many accounts;
//   login (login, any address): the largest allowance, a slow account-wide back-off against guessing
//         spread over many addresses. It never applies to known devices, so the attack it slows down
//         cannot keep the real moderator out.
// Each attempt is counted as a failure before the password is checked (so parallel attempts cannot
// overrun a bucket) and taken back when it succeeds. The buckets are keyed by the login's text, not by
// an account, so unknown and known logins are throttled alike; keys are HMACs (no raw login is stored).
import type { Config } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';
import { constantTimeEqual, hmacSha256, randomToken } from '../platform/crypto.js';
import { appendAudit } from '../audit/audit.store.js';
import { afterLoginFailure, FORGET_AFTER_MAX_BLOCKS, retryAfterSeconds, type BackoffPolicy } from './staff.rules.js';
import * as throttles from './staff-throttle.store.js';

export type ThrottleScope = 'device' | 'pair' | 'ip' | 'login';
interface Bucket {
  scope: ThrottleScope;
  key: string;
  policy: BackoffPolicy;
}

/** The buckets of one attempt, and what the audit log may say about its login. */
export interface LoginAttempt {
  buckets: Bucket[];
  auditSubject: string;
}

const PAIR_BASE_SECONDS = 30;
const WIDE_BASE_SECONDS = 60;
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 90 * 24 * 3600;

export class StaffLoginGuard {
  constructor(private readonly config: Config) {}

  /** `account` is the active account of this login, if any; `deviceCookie` what the browser sent. */
  attempt(input: { login: string; clientIp: string | null; deviceCookie: string | undefined; account: { id: string; login: string } | null }): LoginAttempt {
    const { staff } = this.config;
    const narrow = { freeFailures: staff.maxFailedLogins, baseSeconds: PAIR_BASE_SECONDS, maxSeconds: staff.lockSeconds };
    const auditSubject = input.account ? input.account.login : this.maskedLogin(input.login);
    const device = input.account ? this.deviceOf(input.account.id, input.deviceCookie) : null;
    if (device) return { buckets: [{ scope: 'device', key: `device:${this.mac('device', device)}`, policy: narrow }], auditSubject };
    const ip = input.clientIp ?? 'unknown';
    return {
      auditSubject,
      buckets: [
        { scope: 'pair', key: `pair:${this.mac('pair', input.login, ip)}`, policy: narrow },
        { scope: 'ip', key: `ip:${this.mac('ip', ip)}`, policy: { freeFailures: staff.loginIpMaxFailures, baseSeconds: WIDE_BASE_SECONDS, maxSeconds: staff.lockSeconds } },
        { scope: 'login', key: `login:${this.mac('login', input.login)}`, policy: { freeFailures: staff.loginAccountMaxFailures, baseSeconds: WIDE_BASE_SECONDS, maxSeconds: staff.lockSeconds } },
      ],
    };
  }

  /**
   * Counts the attempt as a failure in each bucket, unless one of them is blocked: then nothing is
   * counted and the answer is the seconds to wait. Starting blocks are audited.
   */
  async reserve(trx: DbOrTx, attempt: LoginAttempt, clientIp: string | null, now: Date): Promise<number> {
    const current = await throttles.lockThrottles(trx, attempt.buckets.map((b) => b.key));
    const wait = Math.max(0, ...attempt.buckets.map((b) => retryAfterSeconds(current.get(b.key) ?? null, now)));
    if (wait > 0) return wait;
    for (const bucket of attempt.buckets) {
      const next = afterLoginFailure(current.get(bucket.key) ?? null, now, bucket.policy);
      await throttles.saveThrottle(trx, bucket.key, next);
      const seconds = retryAfterSeconds(next, now);
      if (seconds > 0) {
        await appendAudit(trx, { type: 'staff.login_throttled', actor: 'system', subject: attempt.auditSubject, clientIp, details: { scope: bucket.scope, seconds, failures: next.failures } });
      }
    }
    return 0;
  }

  /** A successful sign-in: its own bucket starts afresh; in the shared ones the attempt is taken back. */
  async succeeded(trx: DbOrTx, attempt: LoginAttempt, now: Date): Promise<void> {
    const own = attempt.buckets.find((b) => b.scope === 'device' || b.scope === 'pair')!;
    await throttles.clearThrottle(trx, own.key);
    await throttles.uncountAttempt(trx, attempt.buckets.filter((b) => b !== own).map((b) => b.key));
    await throttles.forgetQuietThrottles(trx, new Date(now.getTime() - FORGET_AFTER_MAX_BLOCKS * this.config.staff.lockSeconds * 1000), now);
  }

  /** A new device cookie for this browser after a successful sign-in: `nonce.mac`, bound to the account. */
  issueDeviceCookie(accountId: string): string {
    const nonce = randomToken();
    return `${nonce}.${this.mac('device-cookie', accountId, nonce)}`;
  }

  /** The failed login as the audit log keeps it: a keyed hash, so repeated guesses can be told apart. */
  maskedLogin(login: string): string {
    return `unknown:${this.mac('audit-login', login).slice(0, 16)}`;
  }

  private deviceOf(accountId: string, cookie: string | undefined): string | null {
    const [nonce, mac, ...rest] = (cookie ?? '').split('.');
    if (!nonce || !mac || rest.length > 0) return null;
    return constantTimeEqual(Buffer.from(mac), Buffer.from(this.mac('device-cookie', accountId, nonce))) ? nonce : null;
  }

  private mac(purpose: string, ...parts: string[]): string {
    return hmacSha256(this.config.secretKey, `staff-login-${purpose}`, ...parts).toString('base64url');
  }
}
