// One database that outlives server restarts: a PGlite folder, or (DATABASE_URL set) a fresh
// PostgreSQL database. Durability tests stop the server and start another on the same storage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/platform/config.js';

export interface RestartableStorage {
  config(env?: Record<string, string>): Config;
  drop(): Promise<void>;
}

export async function createRestartableStorage(): Promise<RestartableStorage> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-durable-'));
  const adminUrl = process.env.DATABASE_URL;
  let databaseUrl: string | null = null;
  let name = '';
  if (adminUrl) {
    name = `digitalid_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  return {
    config(env = {}) {
      return loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...env,
      });
    },
    async drop() {
      if (adminUrl) {
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
