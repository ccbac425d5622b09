// The server of a test file or a describe: started in beforeAll, closed in afterAll. Kept apart from
// test-server.ts, which benches import outside vitest.
import { afterAll, beforeAll } from 'vitest';
import type { Logger } from '../../src/platform/logging.js';
import { startTestServer, type TestServer } from './test-server.js';

// Starting a server on a fresh database can take minutes on a machine busy with other test runs.
const SERVER_START_TIMEOUT_MS = 300_000;

/**
 * Call at the top of a file or a describe with the server's env (or a function that starts it another
 * way, e.g. on a port chosen first); read its fields inside hooks and tests. Hooks declared after this
 * call run after the server has started and before it closes.
 */
export function useTestServer(start: Record<string, string> | (() => Promise<TestServer>) = {}, options: { logger?: Logger } = {}): TestServer {
  let running: TestServer | null = null;
  beforeAll(async () => {
    running = typeof start === 'function' ? await start() : await startTestServer(start, options);
  }, SERVER_START_TIMEOUT_MS);
  afterAll(async () => {
    await running?.close();
    running = null;
  });
  const current = (): TestServer => {
    if (!running) throw new Error('the test server runs only while its tests run (beforeAll → afterAll)');
    return running;
  };
  return {
    get app() {
      return current().app;
    },
    get ctx() {
      return current().ctx;
    },
    get services() {
      return current().services;
    },
    get database() {
      return current().database;
    },
    get url() {
      return current().url;
    },
    get config() {
      return current().config;
    },
    get dbKind() {
      return current().dbKind;
    },
    close: () => current().close(),
    request: (...args) => current().request(...args),
  };
}
