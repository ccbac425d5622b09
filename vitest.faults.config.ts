// npm run test:faults — the service as a child process on PostgreSQL under load while its database,
// SMSC and registry fail, and on SIGTERM (test/faults/*.fault.test.ts; `npm test` does not run them).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.test.ts'],
    globalSetup: ['test/faults/support/fault-table.setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
