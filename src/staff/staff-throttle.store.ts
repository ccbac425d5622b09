// SQL for staff sign-in throttle buckets (keys are HMACs: see staff-login-throttle.ts).
import type { DbOrTx } from '../platform/db/database.js';
import type { LoginThrottle } from './staff.rules.js';

const NEVER = new Date(0);

/** Locks the buckets (creating empty ones) in key order, so concurrent attempts queue instead of racing. */
export async function lockThrottles(conn: DbOrTx, keys: string[]): Promise<Map<string, LoginThrottle | null>> {
  const sorted = [...new Set(keys)].sort();
  await conn
    .insertInto('staff_login_throttles')
    .values(sorted.map((key) => ({ key, failures: 0, last_failure_at: NEVER, blocked_until: null })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const rows = await conn.selectFrom('staff_login_throttles').selectAll().where('key', 'in', sorted).orderBy('key').forUpdate().execute();
  const found = new Map(rows.map((r) => [r.key, r]));
  return new Map(
    sorted.map((key) => {
      const r = found.get(key);
      return [key, r && r.failures > 0 ? { failures: r.failures, lastFailureAt: r.last_failure_at, blockedUntil: r.blocked_until } : null];
    }),
  );
}

export async function saveThrottle(conn: DbOrTx, key: string, throttle: LoginThrottle): Promise<void> {
  await conn
    .updateTable('staff_login_throttles')
    .set({ failures: throttle.failures, last_failure_at: throttle.lastFailureAt, blocked_until: throttle.blockedUntil })
    .where('key', '=', key)
    .execute();
}

/** After a success: the bucket of this client starts afresh. */
export async function clearThrottle(conn: DbOrTx, key: string): Promise<void> {
  await conn.deleteFrom('staff_login_throttles').where('key', '=', key).execute();
}

/** After a success: the attempt was counted in advance as a failure; take it back (blocks stay). */
export async function uncountAttempt(conn: DbOrTx, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await conn
    .updateTable('staff_login_throttles')
    .set((eb) => ({ failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]) }))
    .where('key', 'in', keys)
    .execute();
}

/** Buckets quiet since `before` and not blocking anyone any more. */
export async function forgetQuietThrottles(conn: DbOrTx, before: Date, now: Date): Promise<void> {
  await conn
    .deleteFrom('staff_login_throttles')
    .where('last_failure_at', '<', before)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', now)]))
    .execute();
}
