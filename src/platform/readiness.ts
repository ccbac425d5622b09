// GET /readyz: whether this instance can serve the flow now. It answers within READINESS_TIMEOUT_MS
// even when the database hangs or the pool is saturated, so a load balancer's probe never piles up.
import { sql } from 'kysely';
import type { Db } from './db/database.js';

const READINESS_TIMEOUT_MS = 2_000;

export type Readiness = { status: 'ready'; database: 'pglite' | 'postgres' } | { status: 'not ready'; database: 'unavailable' };

export async function checkReadiness(db: Db, kind: 'pglite' | 'postgres', timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const probe = sql`select 1`.execute(db).then(
    () => true,
    () => false,
  );
  try {
    return (await Promise.race([probe, timeout])) ? { status: 'ready', database: kind } : { status: 'not ready', database: 'unavailable' };
  } finally {
    clearTimeout(timer);
  }
}
