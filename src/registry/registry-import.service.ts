// Imports citizens into the embedded registry: a CSV file (or rows built by a CLI) is validated in
// full first (rows, cross-row rules, photos), then written in ONE transaction, so a file with a single
// bad row changes nothing. Re-importing updates persons and moves BMG bindings.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Db } from '../platform/db/database.js';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { crossCheckCitizens, isJpeg, readHeader, toRawRow, validateCitizenRow, type Citizen, type RawCitizenRow, type RowProblem } from './registry.rules.js';
import * as store from './registry.store.js';

export type DescribeFace = (jpeg: Buffer) => Promise<Float32Array | null>;

export interface ImportOptions {
  /**
   * Computes the reference photo's face descriptor (biometrics) and names the pipeline version it
   * belongs to; stored encrypted, with the version, when it returns one.
   */
  faces?: { describeFace: DescribeFace; version: string };
}

export interface ReadyCitizen extends Citizen {
  photoBytes: Buffer | null;
}

export interface ImportSummary {
  persons: { created: number; updated: number };
  bindings: { created: number; updated: number; unchanged: number };
  photos: number;
  descriptors: number;
}

export type ImportOutcome = { ok: true; summary: ImportSummary } | { ok: false; problems: RowProblem[] };

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const MIN_PHOTO_SIDE = 100;
const PHOTO_CONCURRENCY = 4;

export class RegistryImportService {
  constructor(
    private readonly db: Db,
    private readonly encryptionKey: Buffer,
  ) {}

  /** Reads, validates and imports a citizens CSV; photo paths are relative to the file. */
  async importFile(file: string, options: ImportOptions = {}): Promise<ImportOutcome> {
    const ready = await readCitizensFile(file);
    if ('problems' in ready) return { ok: false, problems: ready.problems };
    return this.importCitizens(ready.citizens, options);
  }

  /** Imports validated citizens in one transaction (descriptors are computed before it opens). */
  async importCitizens(citizens: ReadyCitizen[], options: ImportOptions = {}): Promise<ImportOutcome> {
    const crossProblems = crossCheckCitizens(citizens);
    if (crossProblems.length > 0) return { ok: false, problems: crossProblems };

    const descriptors = new Map<string, Float32Array | null>();
    const problems: RowProblem[] = [];
    if (options.faces) {
      for (const c of citizens) {
        if (!c.photoBytes || descriptors.has(c.iin)) continue;
        try {
          descriptors.set(c.iin, await options.faces.describeFace(c.photoBytes));
        } catch (err) {
          problems.push({ line: c.line, field: 'photo', reason: `the face could not be described: ${(err as Error).message}` });
        }
      }
    }
    if (problems.length > 0) return { ok: false, problems };

    const descriptorVersion = options.faces?.version ?? null;
    const persons = mergeByIin(citizens).map((c) => ({ ...c, photo: c.photoBytes, descriptor: descriptors.get(c.iin) ?? null, descriptorVersion }));
    const bindings = citizens.flatMap((c) => (c.phone ? [{ phone: c.phone, iin: c.iin }] : []));
    const summary = await this.db.transaction().execute(async (tx): Promise<ImportSummary> => ({
      persons: await store.upsertPersons(tx, this.encryptionKey, persons),
      bindings: await store.upsertBindings(tx, bindings),
      photos: persons.filter((p) => p.photo).length,
      descriptors: persons.filter((p) => p.photo && p.descriptor).length,
    }));
    return { ok: true, summary };
  }
}

/** One entry per IIN (the rows agree on names; the photo may sit on any of them). */
function mergeByIin(citizens: ReadyCitizen[]): ReadyCitizen[] {
  const byIin = new Map<string, ReadyCitizen>();
  for (const c of citizens) {
    const first = byIin.get(c.iin);
    if (!first || (!first.photoBytes && c.photoBytes)) byIin.set(c.iin, c);
  }
  return [...byIin.values()];
}

/** Parses and validates a citizens CSV and loads its photos; every problem is reported with its line. */
export async function readCitizensFile(file: string): Promise<{ citizens: ReadyCitizen[] } | { problems: RowProblem[] }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return { problems: [{ line: 0, reason: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }] };
  }
  const parsed = parseCitizensCsv(text);
  // Photos of the valid rows are checked too, so one run lists every problem of the file.
  const loaded = await loadPhotos(parsed.citizens, path.dirname(path.resolve(file)));
  const problems = [...parsed.problems, ...('problems' in loaded ? loaded.problems : [])].sort((a, b) => a.line - b.line);
  if (problems.length > 0) return { problems };
  return loaded;
}

/** Valid rows and the problems of the others (header problems leave no rows). */
export function parseCitizensCsv(text: string, today: Date = new Date()): { citizens: Citizen[]; problems: RowProblem[] } {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { citizens: [], problems: [{ line: err.line, reason: err.reason }] };
    throw err;
  }
  if (records.length === 0) return { citizens: [], problems: [{ line: 1, reason: 'the file is empty (expected a header line)' }] };
  const header = readHeader(records[0]);
  if ('problems' in header) return { citizens: [], problems: header.problems };
  const problems: RowProblem[] = [];
  const citizens: Citizen[] = [];
  for (const record of records.slice(1)) {
    const raw = toRawRow(record, header.columns);
    if ('reason' in raw) {
      problems.push(raw);
      continue;
    }
    const result = validateCitizenRow(record.line, raw as RawCitizenRow, today);
    if ('problems' in result) problems.push(...result.problems);
    else citizens.push(result.citizen);
  }
  problems.push(...crossCheckCitizens(citizens));
  return { citizens, problems };
}

export async function loadPhotos(citizens: Citizen[], baseDir: string): Promise<{ citizens: ReadyCitizen[] } | { problems: RowProblem[] }> {
  const problems: RowProblem[] = [];
  const ready: ReadyCitizen[] = new Array(citizens.length);
  let next = 0;
  const worker = async () => {
    while (next < citizens.length) {
      const index = next++;
      const c = citizens[index];
      if (!c.photo) {
        ready[index] = { ...c, photoBytes: null };
        continue;
      }
      const photo = await loadReferencePhoto(path.resolve(baseDir, c.photo));
      if (typeof photo === 'string') problems.push({ line: c.line, field: 'photo', reason: photo });
      else ready[index] = { ...c, photoBytes: photo };
    }
  };
  await Promise.all(Array.from({ length: PHOTO_CONCURRENCY }, worker));
  problems.sort((a, b) => a.line - b.line);
  return problems.length > 0 ? { problems } : { citizens: ready };
}

/** The photo's bytes, or the reason it cannot be a reference photo. */
export async function loadReferencePhoto(file: string): Promise<Buffer | string> {
  let bytes: Buffer;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return `${path.basename(file)} is not a file`;
    if (stat.size > MAX_PHOTO_BYTES) return `${path.basename(file)} is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`;
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${path.basename(file)} does not exist` : `${path.basename(file)} cannot be read (${code ?? 'error'})`;
  }
  return (await jpegProblem(bytes)) ?? bytes;
}

/** Null when the bytes are a decodable JPEG big enough to show a face; otherwise the reason. */
export async function jpegProblem(bytes: Buffer): Promise<string | null> {
  if (!isJpeg(bytes)) return 'is not a JPEG file';
  try {
    const image = sharp(bytes, { failOn: 'error' });
    const meta = await image.metadata();
    if (meta.format !== 'jpeg') return 'is not a JPEG file';
    if ((meta.width ?? 0) < MIN_PHOTO_SIDE || (meta.height ?? 0) < MIN_PHOTO_SIDE) return `is smaller than ${MIN_PHOTO_SIDE}×${MIN_PHOTO_SIDE} pixels`;
    await image.stats(); // decodes every pixel: a truncated or corrupt JPEG fails here
    return null;
  } catch {
    return 'is a damaged JPEG (cannot be decoded)';
  }
}
