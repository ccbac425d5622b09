// The database of a test file that needs no HTTP server: a fresh migrated one (openTestDatabase: PGlite
// in a temp folder, or a new PostgreSQL database when DATABASE_URL is set), opened before the file's (or
// the describe's) tests and closed after them. Kept apart from test-database.ts, which benches import
// outside vitest.
import { afterAll, beforeAll } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-database.js';

/** Call at the top of a file or a describe; read its fields inside hooks and tests (the database opens in beforeAll). */
export function useTestDatabase(options: { poolSize?: number } = {}): Omit<TestDatabase, 'close'> {
  let opened: TestDatabase | null = null;
  beforeAll(async () => {
    opened = await openTestDatabase(options);
  }, 600_000);
  afterAll(async () => {
    await opened?.close();
    opened = null;
  });
  const current = (): TestDatabase => {
    if (!opened) throw new Error('the test database is open only while its tests run (beforeAll → afterAll)');
    return opened;
  };
  return {
    get db() {
      return current().db;
    },
    get kind() {
      return current().kind;
    },
    get dataDir() {
      return current().dataDir;
    },
    get databaseUrl() {
      return current().databaseUrl;
    },
    truncate: (...tables) => current().truncate(...tables),
  };
}
