// A fresh migrated database for one test file, without the HTTP server: PGlite in a temp folder, or,
// when DATABASE_URL is set, a new PostgreSQL database created for this file and dropped after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';

export async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `digitalid_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestDatabase {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The PGlite folder, or the PostgreSQL URL: what a child process needs to open the same database. */
  dataDir: string;
  databaseUrl: string | null;
  /** Empties the given tables (between tests). */
  truncate(...tables: string[]): Promise<void>;
  close(): Promise<void>;
}

/** `poolSize`: PostgreSQL connections (default as the server's); PGlite always has one. */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-db-'));
  const adminUrl = process.env.DATABASE_URL;
  const pgDb = adminUrl ? await createPostgresDatabase(adminUrl) : null;
  const database = await openDatabase({ databaseUrl: pgDb?.url ?? null, dataDir, poolSize: options.poolSize });
  await migrateToLatest(database.db);
  return {
    db: database.db,
    kind: database.kind,
    dataDir,
    databaseUrl: pgDb?.url ?? null,
    async truncate(...tables) {
      if (tables.length > 0) await sql`TRUNCATE ${sql.join(tables.map((t) => sql.table(t)))}`.execute(database.db);
    },
    async close() {
      await database.close();
      if (pgDb) await pgDb.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
