// Pure rules of the registry: what a valid citizen row is, and what may be bound in BMG.
import { validateIin } from '../iin/iin.rules.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import { AppError } from '../platform/errors/app-error.js';
import type { CsvRecord } from './csv.js';

export const CITIZEN_COLUMNS = ['iin', 'phone', 'last_name', 'first_name', 'middle_name', 'birth_date', 'sex', 'photo'] as const;
type CitizenColumn = (typeof CITIZEN_COLUMNS)[number];
export type RawCitizenRow = Record<CitizenColumn, string>;

/** A validated citizen: the person, an optional BMG phone and an optional photo path as written in the file. */
export interface Citizen {
  line: number;
  iin: string;
  /** E.164; null = the person has no phone in BMG. */
  phone: string | null;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  sex: 'M' | 'F';
  photo: string | null;
}

export interface RowProblem {
  line: number;
  field?: string;
  reason: string;
}

const IIN_REASONS = {
  IIN_FORMAT: 'must be exactly 12 digits',
  IIN_CHECKSUM: 'check digit does not match',
  IIN_DATE: 'birth date or century/sex digit is invalid',
} as const;

const MAX_NAME_LENGTH = 100;

/** Maps the header to column positions; problems when a column is missing, unknown or repeated. */
export function readHeader(header: CsvRecord): { columns: Map<CitizenColumn, number> } | { problems: RowProblem[] } {
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const problems: RowProblem[] = [];
  const columns = new Map<CitizenColumn, number>();
  names.forEach((name, index) => {
    if (!(CITIZEN_COLUMNS as readonly string[]).includes(name)) {
      problems.push({ line: header.line, reason: `unknown column "${name}" (expected ${CITIZEN_COLUMNS.join(',')})` });
    } else if (columns.has(name as CitizenColumn)) {
      problems.push({ line: header.line, reason: `column "${name}" appears twice` });
    } else {
      columns.set(name as CitizenColumn, index);
    }
  });
  for (const col of CITIZEN_COLUMNS) {
    if (!columns.has(col)) problems.push({ line: header.line, reason: `missing column "${col}"` });
  }
  return problems.length > 0 ? { problems } : { columns };
}

export function toRawRow(record: CsvRecord, columns: Map<CitizenColumn, number>): RawCitizenRow | RowProblem {
  if (record.fields.length !== columns.size) {
    return { line: record.line, reason: `has ${record.fields.length} fields, the header has ${columns.size}` };
  }
  const row = {} as RawCitizenRow;
  for (const [col, index] of columns) row[col] = record.fields[index];
  return row;
}

function cleanName(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function nameProblem(value: string, required: boolean): string | null {
  if (value === '') return required ? 'must not be empty' : null;
  if (value.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (/[\p{Cc}\p{Cf}]/u.test(value)) return 'contains control characters';
  if (!/\p{L}/u.test(value)) return 'must contain letters';
  return null;
}

/** Validates one row; every problem of the row is reported, not just the first. */
export function validateCitizenRow(line: number, raw: RawCitizenRow, today: Date = new Date()): { citizen: Citizen } | { problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const problem = (field: string, reason: string) => problems.push({ line, field, reason });

  const iin = raw.iin.trim();
  const iinCheck = validateIin(iin, today);
  if (!iinCheck.ok) problem('iin', IIN_REASONS[iinCheck.code]);

  const phoneInput = raw.phone.trim();
  const phone = phoneInput === '' ? null : normalizeKzMobile(phoneInput);
  if (phoneInput !== '' && phone === null) problem('phone', 'is not a Kazakhstan mobile number (+7 7XX XXX XX XX)');

  const lastName = cleanName(raw.last_name);
  const firstName = cleanName(raw.first_name);
  const middleName = cleanName(raw.middle_name);
  for (const [field, value, required] of [
    ['last_name', lastName, true],
    ['first_name', firstName, true],
    ['middle_name', middleName, false],
  ] as const) {
    const reason = nameProblem(value, required);
    if (reason) problem(field, reason);
  }

  const birthDate = raw.birth_date.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) problem('birth_date', `"${birthDate}" is not a date as YYYY-MM-DD`);
  else if (iinCheck.ok && iinCheck.birthDate !== birthDate) problem('birth_date', `${birthDate} does not match the IIN (${iinCheck.birthDate})`);

  const sex = raw.sex.trim().toUpperCase();
  if (sex !== 'M' && sex !== 'F') problem('sex', `"${raw.sex.trim()}" must be M or F`);
  else if (iinCheck.ok && iinCheck.sex !== sex) problem('sex', `${sex} does not match the IIN (${iinCheck.sex})`);

  const photo = raw.photo.trim();
  if (problems.length > 0) return { problems };
  return {
    citizen: {
      line,
      iin,
      phone,
      lastName,
      firstName,
      middleName: middleName === '' ? null : middleName,
      birthDate,
      sex: sex as 'M' | 'F',
      photo: photo === '' ? null : photo,
    },
  };
}

/**
 * Rules across rows: one phone belongs to one IIN; an IIN may have several phones (several rows),
 * but its person data must then agree and it may carry at most one distinct photo.
 */
export function crossCheckCitizens(citizens: Citizen[]): RowProblem[] {
  const problems: RowProblem[] = [];
  const byPhone = new Map<string, Citizen>();
  const byIin = new Map<string, Citizen>();
  for (const c of citizens) {
    if (c.phone) {
      const first = byPhone.get(c.phone);
      if (first) problems.push({ line: c.line, field: 'phone', reason: `the phone is already on line ${first.line}` });
      else byPhone.set(c.phone, c);
    }
    const same = byIin.get(c.iin);
    if (!same) {
      byIin.set(c.iin, c);
      continue;
    }
    if (same.lastName !== c.lastName || same.firstName !== c.firstName || same.middleName !== c.middleName) {
      problems.push({ line: c.line, field: 'iin', reason: `the IIN is on line ${same.line} with other names` });
    }
    if (c.photo && same.photo && c.photo !== same.photo) {
      problems.push({ line: c.line, field: 'photo', reason: `the IIN is on line ${same.line} with another photo` });
    }
    if (c.photo && !same.photo) byIin.set(c.iin, c);
  }
  return problems;
}

/** Input checks for a BMG binding: an E.164 Kazakhstan mobile and a valid IIN. */
export function assertBindable(phone: string, iin: string): void {
  if (normalizeKzMobile(phone) !== phone) throw new AppError('PHONE_INVALID');
  const check = validateIin(iin);
  if (!check.ok) throw new AppError(check.code);
}

/** JPEG files start with the SOI marker followed by another marker. */
export function isJpeg(bytes: Buffer): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}
