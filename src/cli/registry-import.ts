// npm run registry:import -- --file citizens.csv
// Imports citizens (population registry + BMG phones + reference photos) into the embedded registry.
// Every row is checked first; one bad row and nothing is imported. Re-importing updates.
import path from 'node:path';
import { formatProblems, formatSummary, warnIfRegistryIsRemote } from '../registry/registry-cli.js';
import { RegistryImportService, type ImportOptions } from '../registry/registry-import.service.js';
import { EXIT, parseCliArgs, runWithDatabase } from './cli-support.js';

const USAGE = `Usage: npm run registry:import -- --file citizens.csv
  CSV columns: iin,phone,last_name,first_name,middle_name,birth_date,sex,photo
  photo = JPEG path relative to the CSV file (may be empty); phone may be empty (no BMG binding).
  One bad row and nothing is imported; a re-import updates persons and moves phones.
  A relative --file is relative to the project folder (npm runs there).`;

const args = parseCliArgs({ options: { file: { type: 'string', short: 'f' } } }, USAGE);
if (!args.file) {
  console.error(USAGE);
  process.exit(EXIT.usage);
}
const file = path.resolve(args.file);

await runWithDatabase(
  async ({ config, db }) => {
    // Biometrics plugs the face descriptor in here: { describeFace: (jpeg) => engine.describe(jpeg) }.
    const options: ImportOptions = {};
    const outcome = await new RegistryImportService(db, config.encryptionKey).importFile(file, options);
    if (!outcome.ok) {
      console.error(`${file}: ${outcome.problems.length} problem(s); nothing was imported.\n${formatProblems(outcome.problems)}`);
      return EXIT.failed;
    }
    console.log(`Imported ${file}\n${formatSummary(outcome.summary)}`);
    return EXIT.ok;
  },
  { beforeOpen: warnIfRegistryIsRemote },
);
