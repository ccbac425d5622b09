// One database that outlives server restarts: a PGlite folder, or (DATABASE_URL set) a fresh
// PostgreSQL database. Durability tests stop the server and start another on the same storage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { createPostgresDatabase } from './test-database.js';

export interface RestartableStorage {
  config(env?: Record<string, string>): Config;
  drop(): Promise<void>;
}

export async function createRestartableStorage(): Promise<RestartableStorage> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-durable-'));
  const pgDb = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : null;
  return {
    config(env = {}) {
      return loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
        ...env,
      });
    },
    async drop() {
      await pgDb?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
