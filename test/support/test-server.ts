// Starts the real server over HTTP on a free port against a fresh database: PGlite in a temp folder,
// or, when DATABASE_URL is set, a new PostgreSQL database created for this test file and dropped after.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { Logger } from '../../src/platform/logging.js';
import { createPostgresDatabase } from './test-database.js';

export interface TestServer extends RunningServer {
  config: Config;
  /** 'pglite' or 'postgres': part of test names so both runs are told apart. */
  dbKind: 'pglite' | 'postgres';
  request(method: string, urlPath: string, options?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
}

export async function startTestServer(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-test-'));
  const adminUrl = process.env.DATABASE_URL;
  const pgDb = adminUrl ? await createPostgresDatabase(adminUrl) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    FACE_DATA_DIR: process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // On a loaded machine the test client's idle timer can fire after the server's 5 s keep-alive
    // close; a POST then goes out on a dead socket (ECONNRESET, never retried). Tests that time
    // keep-alive set their own value.
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '60000',
    ...(pgDb ? { DATABASE_URL: pgDb.url } : {}),
    ...env,
  });
  const server = await startServer(config, { seedDemo: env.SEED_DEMO === '1', logger: options.logger });
  const base = server.url;
  return {
    ...server,
    config,
    dbKind: server.database.kind,
    async close() {
      await server.close();
      if (pgDb) await pgDb.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    async request(method, urlPath, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(base + urlPath, { method, headers, body });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
  };
}

/** The database the current run uses, for test names. */
export const testDbKind: 'pglite' | 'postgres' = process.env.DATABASE_URL ? 'postgres' : 'pglite';
