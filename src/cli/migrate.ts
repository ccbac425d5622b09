// npm run migrate: brings the configured database (PGlite in DATA_DIR or DATABASE_URL) to the latest schema.
import { ConfigError, loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/database.js';
import { DirectoryLockedError } from '../platform/db/lock-file.js';
import { migrateToLatest } from '../platform/db/migrate.js';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}
let database;
try {
  database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
} catch (err) {
  if (!(err instanceof DirectoryLockedError)) throw err;
  console.error(err.message);
  process.exit(3);
}
try {
  const result = await migrateToLatest(database.db);
  const ran = result.results ?? [];
  if (ran.length === 0) console.log(`Database (${database.kind}) is already up to date.`);
  for (const r of ran) console.log(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}`);
} catch (err) {
  console.error(`Migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
