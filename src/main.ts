import { ConfigError, loadConfig } from './platform/config.js';
import { DirectoryLockedError } from './platform/db/lock-file.js';
import { startServer } from './server.js';

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
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.ctx.logger.info({ signal }, 'shutting down');
      await server.close();
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
