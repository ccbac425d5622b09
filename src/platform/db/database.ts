// One Kysely instance per process over node-postgres: a normal pool for PostgreSQL, or exactly one
// pool of size 1 over PGlite (a second pool or a larger one would interleave protocol messages), whose
// connection is an in-process socket into PGlite (pglite-socket.ts).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect, CompiledQuery, type Transaction } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from './schema.js';
import { acquireDirectoryLock, type DirectoryLock } from './lock-file.js';
import { prepareStatements, StatementNames } from './prepared-statements.js';
import { PgliteSocket } from './pglite-socket.js';

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
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // While PostgreSQL is down or restarting a request fails within this (503), instead of waiting.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    pool.on('error', () => {
      /* an idle client's error is reported on its next use; without a listener it would crash the process */
    });
    // A client checked out of the pool has no 'error' listener: if its server goes away between two
    // statements (a restart during a transaction), node-postgres would emit an unhandled 'error' and
    // crash the process. The statement that uses it next fails instead, and the pool drops it on release.
    const names = new StatementNames();
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
      prepareStatements(client, names);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }

  const pgDir = path.join(options.dataDir, 'pg');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const lock: DirectoryLock = acquireDirectoryLock(options.dataDir);
  try {
    const pglite = await PGlite.create({ dataDir: pgDir });
    // The one connection is never closed for being idle: it costs nothing to keep, and no timer is set
    // and cleared around every statement.
    const pool = new pg.Pool({ user: 'postgres', database: 'postgres', max: 1, idleTimeoutMillis: 0, stream: () => new PgliteSocket(pglite) });
    const names = new StatementNames();
    pool.on('connect', (client) => prepareStatements(client, names));
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

/** How long taking a connection may wait, for a new one or a free one of a busy pool. */
const CONNECT_TIMEOUT_MS = 5_000;

// SQLSTATEs of a database that is not there right now: connection exceptions (08…), shutdown or
// crash of the server (57P01–57P03), too many connections (53300).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// node-postgres and pg-pool report a lost or unobtainable connection by message only.
const UNAVAILABLE_MESSAGE = /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout/;

/**
 * True when `err` says the database cannot be reached (down, restarting, unreachable, no free
 * connection in time) rather than that a statement was wrong: the caller should answer 503, not 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as any, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_SOCKET_CODES.has(e.code))) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner: unknown) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/** Runs raw parameterised SQL on the given connection (used by pg-boss to join our transactions). */
export async function executeSql(conn: DbOrTx, text: string, values: unknown[] = []): Promise<{ rows: any[] }> {
  const result = await conn.executeQuery(CompiledQuery.raw(text, values));
  return { rows: result.rows as any[] };
}
