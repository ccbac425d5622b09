// Pure rules of staff access: roles, lockout, session length, password policy (the lifetime rule itself:
// src/platform/session-lifetime.rules.ts, shared with citizens' sessions).

export type StaffRole = 'moderator' | 'operator' | 'admin';
export const STAFF_ROLES: readonly StaffRole[] = ['moderator', 'operator', 'admin'];

/** What a role may do. Deliberately disjoint: a moderator is not an operator and vice versa. */
export type StaffPermission = 'moderation' | 'tickets' | 'audit' | 'digital_ids' | 'oidc_clients';
const PERMISSIONS: Record<StaffRole, readonly StaffPermission[]> = {
  moderator: ['moderation'],
  operator: ['tickets'],
  admin: ['audit', 'digital_ids', 'oidc_clients'],
};

export function roleAllows(role: StaffRole, permission: StaffPermission): boolean {
  return PERMISSIONS[role].includes(permission);
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** A session lives at most this long even when used without pause (one working day). */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

/**
 * Sign-in throttling (see staff.service.ts for the buckets). A bucket counts failures; once `freeFailures`
 * are recorded, each further failure blocks the bucket for base·2^k seconds, capped at `maxSeconds`.
 * Failures are forgotten after a quiet spell of FORGET_AFTER_MAX_BLOCKS × maxSeconds.
 */
export interface LoginThrottle {
  failures: number;
  lastFailureAt: Date;
  blockedUntil: Date | null;
}

export interface BackoffPolicy {
  freeFailures: number;
  baseSeconds: number;
  maxSeconds: number;
}

export const FORGET_AFTER_MAX_BLOCKS = 4;

export function afterLoginFailure(current: LoginThrottle | null, now: Date, policy: BackoffPolicy): LoginThrottle {
  const forgotten = !current || now.getTime() - current.lastFailureAt.getTime() >= FORGET_AFTER_MAX_BLOCKS * policy.maxSeconds * 1000;
  const failures = (forgotten ? 0 : current.failures) + 1;
  const over = failures - policy.freeFailures;
  if (over < 0) return { failures, lastFailureAt: now, blockedUntil: forgotten ? null : current.blockedUntil };
  const seconds = Math.min(policy.baseSeconds * 2 ** Math.min(over, 30), policy.maxSeconds);
  const until = new Date(now.getTime() + seconds * 1000);
  const keep = !forgotten && current.blockedUntil && current.blockedUntil > until ? current.blockedUntil : until;
  return { failures, lastFailureAt: now, blockedUntil: keep };
}

/** Whole seconds until the bucket accepts an attempt again; 0 when it does now. */
export function retryAfterSeconds(throttle: LoginThrottle | null, now: Date): number {
  if (!throttle?.blockedUntil) return 0;
  return Math.max(0, Math.ceil((throttle.blockedUntil.getTime() - now.getTime()) / 1000));
}

export const MIN_PASSWORD_LENGTH = 12;

export function isAcceptablePassword(password: string): boolean {
  return [...password].length >= MIN_PASSWORD_LENGTH && password.trim().length === password.length;
}

/** Logins are what the CLI accepts: lower-case letters, digits, dot, dash, underscore. */
export function isValidLogin(login: string): boolean {
  return /^[a-z][a-z0-9._-]{1,63}$/.test(login);
}
