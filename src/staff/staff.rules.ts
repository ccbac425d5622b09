// Pure rules of staff access: roles, lockout, session lifetime, password policy.

export type StaffRole = 'moderator' | 'operator' | 'admin';
export const STAFF_ROLES: readonly StaffRole[] = ['moderator', 'operator', 'admin'];

/** What a role may do. Deliberately disjoint: a moderator is not an operator and vice versa. */
export type StaffPermission = 'moderation' | 'tickets' | 'audit';
const PERMISSIONS: Record<StaffRole, readonly StaffPermission[]> = {
  moderator: ['moderation'],
  operator: ['tickets'],
  admin: ['audit'],
};

export function roleAllows(role: StaffRole, permission: StaffPermission): boolean {
  return PERMISSIONS[role].includes(permission);
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** A session lives at most this long even when used without pause (one working day). */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

export type SessionStatus = 'active' | 'ended' | 'idle' | 'expired';

export function sessionStatus(
  session: { lastSeenAt: Date; expiresAt: Date; endedAt: Date | null },
  now: Date,
  idleTimeoutSeconds: number,
): SessionStatus {
  if (session.endedAt) return 'ended';
  if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
  if (now.getTime() - session.lastSeenAt.getTime() >= idleTimeoutSeconds * 1000) return 'idle';
  return 'active';
}

export function isLocked(account: { lockedUntil: Date | null }, now: Date): boolean {
  return account.lockedUntil !== null && account.lockedUntil.getTime() > now.getTime();
}

/** The account's counters after one more failed login: the Nth failure in a row locks it. */
export function afterFailedLogin(
  failedLogins: number,
  now: Date,
  policy: { maxFailedLogins: number; lockSeconds: number },
): { failedLogins: number; lockedUntil: Date | null } {
  const failures = failedLogins + 1;
  if (failures >= policy.maxFailedLogins) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + policy.lockSeconds * 1000) };
  }
  return { failedLogins: failures, lockedUntil: null };
}

export const MIN_PASSWORD_LENGTH = 12;

export function isAcceptablePassword(password: string): boolean {
  return [...password].length >= MIN_PASSWORD_LENGTH && password.trim().length === password.length;
}

/** Logins are what the CLI accepts: lower-case letters, digits, dot, dash, underscore. */
export function isValidLogin(login: string): boolean {
  return /^[a-z][a-z0-9._-]{1,63}$/.test(login);
}
