// IIN: 12 digits = YYMMDD + century/sex digit + 4-digit serial + check digit.

export type IinCheck =
  | { ok: true; birthDate: string; sex: 'M' | 'F' }
  | { ok: false; code: 'IIN_FORMAT' | 'IIN_CHECKSUM' | 'IIN_DATE' };

const FIRST_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** The check digit for the first 11 digits, or null when no valid check digit exists. */
export function iinCheckDigit(first11: string): number | null {
  const digits = [...first11].map(Number);
  const weighted = (weights: number[]) => digits.reduce((sum, d, i) => sum + d * weights[i], 0) % 11;
  const first = weighted(FIRST_WEIGHTS);
  if (first !== 10) return first;
  const second = weighted(SECOND_WEIGHTS);
  return second === 10 ? null : second;
}

const CENTURY: Record<string, { century: number; sex: 'M' | 'F' }> = {
  '1': { century: 1800, sex: 'M' },
  '2': { century: 1800, sex: 'F' },
  '3': { century: 1900, sex: 'M' },
  '4': { century: 1900, sex: 'F' },
  '5': { century: 2000, sex: 'M' },
  '6': { century: 2000, sex: 'F' },
};

export function validateIin(input: unknown, today: Date = new Date()): IinCheck {
  if (typeof input !== 'string' || !/^[0-9]{12}$/.test(input)) return { ok: false, code: 'IIN_FORMAT' };
  const cs = CENTURY[input[6]];
  if (!cs) return { ok: false, code: 'IIN_DATE' };
  const year = cs.century + Number(input.slice(0, 2));
  const month = Number(input.slice(2, 4));
  const day = Number(input.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || day < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || date.getTime() > today.getTime()) {
    return { ok: false, code: 'IIN_DATE' };
  }
  const check = iinCheckDigit(input.slice(0, 11));
  if (check === null || check !== Number(input[11])) return { ok: false, code: 'IIN_CHECKSUM' };
  return { ok: true, birthDate: date.toISOString().slice(0, 10), sex: cs.sex };
}

/** Builds a valid IIN (tests, demo data): the serial is bumped until a check digit exists. */
export function makeIin(birthDate: string, sex: 'M' | 'F', serial = 1): string {
  const [y, m, d] = birthDate.split('-');
  const year = Number(y);
  const base = year >= 2000 ? 5 : year >= 1900 ? 3 : 1;
  const centuryDigit = String(base + (sex === 'F' ? 1 : 0));
  for (let s = serial; s < 10000; s++) {
    const first11 = `${y.slice(2)}${m}${d}${centuryDigit}${String(s).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return first11 + check;
  }
  throw new Error('no valid IIN for this date');
}
