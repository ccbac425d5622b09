// One Kysely instance per process over node-postgres: a normal pool for PostgreSQL, or exactly one
// pool of size 1 over PGlite (a second pool or a larger one would interleave protocol messages).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect, CompiledQuery, type Transaction } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { Database } from './schema.js';
import { acquireDirectoryLock, type DirectoryLock } from './lock-file.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: stores accept both so services own the transaction. */
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

// bigint (int8) as string is node-postgres' default; keep it but parse counts where needed.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => v);
// DATE stays a 'YYYY-MM-DD' string: a Date would shift by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

export async function openDatabase(options: { databaseUrl: string | null; dataDir: string; poolSize?: number }): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    pool.on('error', () => {
      /* an idle client's error is reported on its next use; without a listener it would crash the process */
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }

  const pgDir = path.join(options.dataDir, 'pg');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const lock: DirectoryLock = acquireDirectoryLock(options.dataDir);
  try {
    const pglite = await PGlite.create({ dataDir: pgDir });
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'pglite',
      async close() {
        await db.destroy();
        await pglite.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Runs raw parameterised SQL on the given connection (used by pg-boss to join our transactions). */
export async function executeSql(conn: DbOrTx, text: string, values: unknown[] = []): Promise<{ rows: any[] }> {
  const result = await conn.executeQuery(CompiledQuery.raw(text, values));
  return { rows: result.rows as any[] };
}
