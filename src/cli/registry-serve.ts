// npm run registry:serve -- [--port 4100] [--host 127.0.0.1]
// Serves the embedded registry over the HTTP contract (docs/registry-http-contract.md), so Digital ID
// can be tried with REGISTRY_URL. With PGlite give it its own DATA_DIR: one process per folder.
import { EmbeddedRegistryGateway } from '../registry/embedded-registry.gateway.js';
import { startRegistryHttpServer } from '../registry/http-registry-server.js';
import { EXIT, parseCliArgs, runWithDatabase } from './cli-support.js';

const args = parseCliArgs(
  { options: { port: { type: 'string', default: '4100' }, host: { type: 'string', default: '127.0.0.1' } } },
  'Usage: npm run registry:serve -- [--port 4100] [--host 127.0.0.1]',
);

await runWithDatabase(async ({ config, db }) => {
  const server = await startRegistryHttpServer(new EmbeddedRegistryGateway(db, config.encryptionKey), { host: args.host, port: Number(args.port) });
  console.log(`Registry contract served at ${server.url} (set REGISTRY_URL=${server.url} for Digital ID); Ctrl+C stops it.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return EXIT.ok;
});
