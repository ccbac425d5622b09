// pg-boss on our own database. It never opens a pool of its own: every statement goes through our
// Kysely connection (on PGlite there is exactly one), and `send` can join a caller's transaction.
import PgBoss from 'pg-boss';
import { executeSql, type Db, type DbOrTx } from './db/database.js';
import type { Logger } from './logging.js';

export type Queue = PgBoss;

/** The pg-boss connection option that makes a `send` part of the caller's transaction `conn`. */
export function inConnection(conn: DbOrTx): { db: PgBoss.Db } {
  return { db: { executeSql: (text, values) => executeSql(conn, text, values ?? []) } };
}

export async function startQueue(deps: { db: Db; logger: Logger; maintenanceIntervalSeconds?: number }): Promise<PgBoss> {
  const logger = deps.logger.child({ module: 'queue' });
  const boss = new PgBoss({
    ...inConnection(deps.db),
    schema: 'pgboss',
    migrate: true,
    // Supervision expires stuck active jobs (e.g. after a crash) so they are retried, and archives
    // finished ones. One short query a minute is cheap on PGlite's single connection too.
    supervise: true,
    maintenanceIntervalSeconds: deps.maintenanceIntervalSeconds ?? 60,
    archiveCompletedAfterSeconds: 60 * 60,
    deleteAfterDays: 7,
    // Cron schedules (retention jobs) are available to every domain.
    schedule: true,
  });
  boss.on('error', (err: unknown) => logger.error({ err }, 'queue error'));
  await boss.start();
  return boss;
}
