// npm run registry:import -- --file citizens.csv [--describe-faces]
// Imports citizens (population registry + BMG phones + reference photos) into the embedded registry.
// Every row is checked first; one bad row and nothing is imported. Re-importing updates.
import path from 'node:path';
import { formatProblems, formatSummary, warnIfRegistryIsRemote } from '../registry/registry-cli.js';
import { RegistryImportService } from '../registry/registry-import.service.js';
import { createFaceDescriber, formatUnusable, importFaces } from '../biometrics/face-describer.js';
import { EXIT, parseCliArgs, runWithDatabase } from './cli-support.js';

const USAGE = `Usage: npm run registry:import -- --file citizens.csv [--describe-faces]
  --describe-faces: compute the reference photos' face templates now (else at each person's first
  video check) and list the photos too small or blurred to compare.
  CSV columns: iin,phone,last_name,first_name,middle_name,birth_date,sex,photo
  photo = JPEG path relative to the CSV file (may be empty); phone may be empty (no BMG binding).
  One bad row and nothing is imported; a re-import updates persons and moves phones.
  A relative --file is relative to the project folder (npm runs there).`;

const args = parseCliArgs({ options: { file: { type: 'string', short: 'f' }, 'describe-faces': { type: 'boolean' } } }, USAGE);
if (!args.file) {
  console.error(USAGE);
  process.exit(EXIT.usage);
}
const file = path.resolve(args.file);

await runWithDatabase(
  async ({ config, db }) => {
    const describer = args['describe-faces'] ? createFaceDescriber(config) : null;
    const faces = describer ? importFaces(describer) : null;
    const outcome = await new RegistryImportService(db, config.encryptionKey).importFile(file, faces ? { faces: faces.faces } : {}).finally(() => describer?.close());
    const unusable = faces && formatUnusable(faces.unusable);
    if (unusable) console.log(`Note: ${unusable}`);
    if (!outcome.ok) {
      console.error(`${file}: ${outcome.problems.length} problem(s); nothing was imported.\n${formatProblems(outcome.problems)}`);
      return EXIT.failed;
    }
    console.log(`Imported ${file}\n${formatSummary(outcome.summary)}`);
    return EXIT.ok;
  },
  { beforeOpen: warnIfRegistryIsRemote },
);
