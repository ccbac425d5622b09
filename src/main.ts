import { ConfigError, loadConfig } from './platform/config.js';
import { DirectoryLockedError } from './platform/db/lock-file.js';
import { startServer } from './server.js';

/** The stop steps' own limits (HTTP 20 s, SMS 15 s, queue 10 s) plus slack; under systemd's 90 s default. */
const SHUTDOWN_DEADLINE_MS = 60_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  try {
    const server = await startServer(config);
    server.ctx.logger.info(
      { url: server.url, database: server.database.kind, sms: config.sms.provider, registry: config.registry.provider },
      `Digital ID is listening on ${server.url} (API docs: ${server.url}/api/docs)`,
    );
    // SIGTERM/SIGINT: stop taking work, finish what is in hand, close the database (server.ts), exit 0.
    // A shutdown that hangs past the deadline, or a second signal, ends the process with 1.
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) {
        server.ctx.logger.warn({ signal }, 'second signal during shutdown: exiting now');
        process.exit(1);
      }
      stopping = true;
      const started = Date.now();
      server.ctx.logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        server.ctx.logger.error({ waitedMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
      await server.close();
      server.ctx.logger.info({ ms: Date.now() - started }, 'stopped');
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (err) {
    if (err instanceof DirectoryLockedError) {
      console.error(err.message);
      process.exit(3);
    }
    throw err;
  }
}

await main();
