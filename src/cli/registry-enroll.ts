// npm run registry:enroll -- --iin 880312311013 --phone +77011234501 --photo me.jpg [--describe-faces] [--last-name … --first-name … --middle-name …]
// Adds or updates one person in the embedded registry (e.g. yourself, to try the flow with your face).
// Birth date and sex come from the IIN; names default to the stored ones, else to placeholders.
import path from 'node:path';
import { validateIin } from '../iin/iin.rules.js';
import { maskIin, maskPhone } from '../platform/masking.js';
import { formatProblems, formatSummary, warnIfRegistryIsRemote } from '../registry/registry-cli.js';
import { loadReferencePhoto, RegistryImportService } from '../registry/registry-import.service.js';
import { validateCitizenRow } from '../registry/registry.rules.js';
import { findPerson } from '../registry/registry.store.js';
import { createFaceDescriber, formatUnusable, importFaces } from '../biometrics/face-describer.js';
import { CliExit, EXIT, parseCliArgs, runWithDatabase } from './cli-support.js';

const USAGE = `Usage: npm run registry:enroll -- --iin <12 digits> [--phone +77XXXXXXXXX] [--photo face.jpg] [--describe-faces]
                                  [--last-name …] [--first-name …] [--middle-name …]
  --describe-faces: compute the photo's face template now and say whether it can be compared.
  Birth date and sex come from the IIN. Relative paths are relative to the project folder (npm runs there).`;

const args = parseCliArgs(
  {
    options: {
      iin: { type: 'string' },
      phone: { type: 'string' },
      photo: { type: 'string' },
      'describe-faces': { type: 'boolean' },
      'last-name': { type: 'string' },
      'first-name': { type: 'string' },
      'middle-name': { type: 'string' },
    },
  },
  USAGE,
);
const iin = args.iin?.trim() ?? '';
const iinCheck = validateIin(iin);
if (!iinCheck.ok) {
  console.error(`--iin: ${iin === '' ? 'is required' : `is not a valid IIN (${iinCheck.code})`}\n${USAGE}`);
  process.exit(EXIT.usage);
}

await runWithDatabase(async ({ config, db }) => {
  const existing = await findPerson(db, iin);
  const placeholder = iinCheck.sex === 'F' ? { last: 'Тестова', first: 'Демо' } : { last: 'Тестов', first: 'Демо' };
  const result = validateCitizenRow(0, {
    iin,
    phone: args.phone ?? '',
    last_name: args['last-name'] ?? existing?.lastName ?? placeholder.last,
    first_name: args['first-name'] ?? existing?.firstName ?? placeholder.first,
    middle_name: args['middle-name'] ?? existing?.middleName ?? '',
    birth_date: iinCheck.birthDate,
    sex: iinCheck.sex,
    photo: args.photo ?? '',
  });
  if ('problems' in result) throw new CliExit(EXIT.failed, `Not enrolled:\n${formatProblems(result.problems)}`);
  let photoBytes: Buffer | null = null;
  if (args.photo) {
    const photo = await loadReferencePhoto(path.resolve(args.photo));
    if (typeof photo === 'string') throw new CliExit(EXIT.failed, `Not enrolled: --photo ${photo}`);
    photoBytes = photo;
  }
  const describer = photoBytes && args['describe-faces'] ? createFaceDescriber(config) : null;
  const faces = describer ? importFaces(describer) : null;
  const outcome = await new RegistryImportService(db, config.encryptionKey).importCitizens([{ ...result.citizen, photoBytes }], faces ? { faces: faces.faces } : {}).finally(() => describer?.close());
  const unusable = faces && formatUnusable(faces.unusable);
  if (unusable) console.log(`Note: ${unusable}`);
  if (!outcome.ok) throw new CliExit(EXIT.failed, `Not enrolled:\n${formatProblems(outcome.problems)}`);
  const c = result.citizen;
  console.log(
    `${existing ? 'Updated' : 'Enrolled'} ${maskIin(iin)} (${c.lastName} ${c.firstName}, ${c.birthDate}, ${c.sex})` +
      `${c.phone ? `, phone ${maskPhone(c.phone)} bound in BMG` : ''}${photoBytes ? ', reference photo stored' : ''}\n${formatSummary(outcome.summary)}`,
  );
  return EXIT.ok;
}, { beforeOpen: warnIfRegistryIsRemote });
