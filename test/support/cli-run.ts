// The project's CLIs as an administrator runs them: a real process (node + tsx) against a fresh database
// of the test's kind (a PGlite folder, or a new PostgreSQL database when DATABASE_URL is set).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/platform/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createPostgresDatabase } from './test-database.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A test that starts CLI processes needs this much time: each one starts Node and tsx, which takes
 * 10–40 s on a loaded 2-core machine (the default 60 s per test was exceeded in CI).
 */
export const CLI_TEST_TIMEOUT = 300_000;

type Database = Awaited<ReturnType<typeof openDatabase>>;

export interface CliDatabase {
  /** Ready inside the tests: the environment the CLI processes get. */
  readonly env: Record<string, string>;
  /** The test's own temp folder (the PGlite database is its subfolder db/): a place for input files. */
  readonly dir: string;
  /** Starts src/cli/<script>.ts; resolves when it exits. Async, so the test's own timeout still applies. */
  run(script: string, ...args: string[]): Promise<CliRun>;
  /** Opens the database the CLIs wrote to (after they exited: PGlite allows one process at a time). */
  inspect<T>(read: (database: Database) => Promise<T>): Promise<T>;
}

/**
 * Registers the fresh database for the file's tests. It is created and migrated here, once, so each CLI
 * process only reopens it (creating a PGlite database and running every migration costs each CLI seconds).
 */
export function useCliDatabase(prefix: string, extraEnv: Record<string, string> = {}): CliDatabase {
  let env: Record<string, string> = {};
  let dataDir = '';
  let dropPg: (() => Promise<void>) | null = null;
  const open = () => {
    const config = loadConfig(env);
    return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  };
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const pg = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : null;
    dropPg = pg ? pg.drop : null;
    env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATA_DIR: path.join(dataDir, 'db'), DATABASE_URL: pg?.url ?? '', LOG_LEVEL: 'silent', ...extraEnv };
    const database = await open();
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
  }, CLI_TEST_TIMEOUT);
  afterAll(async () => {
    await dropPg?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get env() {
      return env;
    },
    get dir() {
      return dataDir;
    },
    run(script, ...args) {
      return new Promise((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ status, stdout, stderr });
        });
      });
    },
    async inspect(read) {
      const database = await open();
      try {
        return await read(database);
      } finally {
        await database.close();
      }
    },
  };
}
