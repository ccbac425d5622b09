// The project's CLIs as an administrator runs them: a real process (node + tsx) against a fresh database
// of the test's kind (a PGlite folder, or a new PostgreSQL database when DATABASE_URL is set).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresDatabase } from './test-database.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Registers the fresh database for the file's tests; `env` is ready inside them, `run` starts src/cli/<script>.ts. */
export function useCliDatabase(prefix: string): { readonly env: Record<string, string>; run(script: string, ...args: string[]): CliRun } {
  let env: Record<string, string> = {};
  let dataDir = '';
  let dropPg: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const pg = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : null;
    dropPg = pg ? pg.drop : null;
    env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: pg?.url ?? '', LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await dropPg?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    get env() {
      return env;
    },
    run(script, ...args) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { env, encoding: 'utf8', timeout: 120_000 });
      return { status: run.status, stdout: run.stdout, stderr: run.stderr };
    },
  };
}
