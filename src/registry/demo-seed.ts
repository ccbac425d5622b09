// Fills an empty embedded registry on first start so the flow can be tried at once: the shared demo
// citizens (with reference photos) when FACE_DATA_DIR has them, otherwise a few built-in citizens
// without photos. A registry that already holds anyone is left alone, and so is production.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import type { Logger } from '../platform/logging.js';
import { maskIin, maskPhone } from '../platform/masking.js';
import { validateCitizenRow, type Citizen, type RawCitizenRow } from './registry.rules.js';
import { RegistryImportService } from './registry-import.service.js';
import { countPersons } from './registry.store.js';

// Valid IINs (check digits included) and Kazakhstan mobile numbers; the last person has no phone in
// BMG, to show the "phone not linked" path.
const BUILT_IN: RawCitizenRow[] = [
  { iin: '790402320012', phone: '+77011230001', last_name: 'Қасымов', first_name: 'Нұржан', middle_name: 'Әділұлы', birth_date: '1979-04-02', sex: 'M', photo: '' },
  { iin: '851019420023', phone: '+77021230002', last_name: 'Абдрахманова', first_name: 'Гүлнар', middle_name: 'Серікқызы', birth_date: '1985-10-19', sex: 'F', photo: '' },
  { iin: '900515300216', phone: '+77471230003', last_name: 'Петров', first_name: 'Сергей', middle_name: 'Иванович', birth_date: '1990-05-15', sex: 'M', photo: '' },
  { iin: '010823600213', phone: '+77761230004', last_name: 'Тоқтарова', first_name: 'Әйгерім', middle_name: 'Қайратқызы', birth_date: '2001-08-23', sex: 'F', photo: '' },
  { iin: '951207400216', phone: '+77051230005', last_name: 'Смирнова', first_name: 'Ольга', middle_name: 'Викторовна', birth_date: '1995-12-07', sex: 'F', photo: '' },
  { iin: '720130300215', phone: '', last_name: 'Жақсылықов', first_name: 'Ерлан', middle_name: 'Бауыржанұлы', birth_date: '1972-01-30', sex: 'M', photo: '' },
];

export function builtInDemoCitizens(): Citizen[] {
  return BUILT_IN.map((raw, i) => {
    const result = validateCitizenRow(i + 1, raw);
    if ('problems' in result) throw new Error(`built-in demo citizen ${i + 1} is invalid`);
    return result.citizen;
  });
}

export function demoCitizensFile(config: Config): string {
  return path.join(config.faceDataDir, 'registry', 'citizens.csv');
}

export async function seedDemoRegistry(db: Db, config: Config, logger: Logger): Promise<void> {
  // Demo people must never appear in a production registry; with http the tables are not read at all.
  if (config.env === 'production' || config.registry.provider !== 'embedded') return;
  if ((await countPersons(db)) > 0) return;
  const service = new RegistryImportService(db, config.encryptionKey);
  const file = demoCitizensFile(config);
  if (fs.existsSync(file)) {
    const outcome = await service.importFile(file);
    if (outcome.ok) {
      logger.info({ file, ...outcome.summary }, 'demo registry seeded from the shared citizens file');
      return;
    }
    // Reasons carry no identifiers; the lines tell the operator where to look.
    logger.warn({ file, problems: outcome.problems.slice(0, 20) }, 'demo citizens file rejected; seeding built-in demo citizens instead');
  }
  const citizens = builtInDemoCitizens();
  const outcome = await service.importCitizens(citizens.map((c) => ({ ...c, photoBytes: null })));
  if (!outcome.ok) throw new Error('built-in demo citizens were rejected');
  logger.info(
    { persons: citizens.map((c) => ({ iin: maskIin(c.iin), phone: c.phone ? maskPhone(c.phone) : null })) },
    'demo registry seeded with built-in citizens (no photos)',
  );
}
