// npm run migrate: brings the configured database (PGlite in DATA_DIR or DATABASE_URL) to the latest schema.
import { EXIT, runWithDatabase } from './cli-support.js';

await runWithDatabase(async ({ kind, migrations }) => {
  if (migrations.length === 0) console.log(`The database (${kind}) is already up to date.`);
  for (const name of migrations) console.log(`applied: ${name}`);
  return EXIT.ok;
});
