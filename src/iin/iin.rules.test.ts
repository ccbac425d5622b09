import { describe, expect, it } from 'vitest';
import { iinCheckDigit, makeIin, validateIin } from './iin.rules.js';

describe('validateIin', () => {
  it.each([
    ['880312311013', '1988-03-12', 'M'],
    ['930725411027', '1993-07-25', 'F'],
  ])('accepts %s (born %s, %s)', (iin, birthDate, sex) => {
    expect(validateIin(iin)).toEqual({ ok: true, birthDate, sex });
  });

  it.each([
    ['88031231101', 'IIN_FORMAT'],
    ['8803123110130', 'IIN_FORMAT'],
    ['88031231101a', 'IIN_FORMAT'],
    ['８８０３１２３１１０１３', 'IIN_FORMAT'],
    ['', 'IIN_FORMAT'],
    ['880312311014', 'IIN_CHECKSUM'],
    ['881312311013', 'IIN_DATE'],
    ['880230311013', 'IIN_DATE'],
    ['880312711013', 'IIN_DATE'],
    ['880312011013', 'IIN_DATE'],
  ])('refuses %s with %s', (iin, code) => {
    expect(validateIin(iin)).toEqual({ ok: false, code });
  });

  it('refuses a birth date in the future', () => {
    expect(validateIin(makeIin('2030-01-01', 'M'), new Date('2026-01-01'))).toEqual({ ok: false, code: 'IIN_DATE' });
  });

  it('refuses non-strings', () => {
    expect(validateIin(880312311013)).toEqual({ ok: false, code: 'IIN_FORMAT' });
  });
});

describe('iinCheckDigit', () => {
  it('uses the second weight set when the first gives 10', () => {
    // digits chosen so the first weighted sum is 10 mod 11
    const first11 = '00000000010';
    expect([...first11].reduce((s, d, i) => s + Number(d) * (i + 1), 0) % 11).toBe(10);
    expect(iinCheckDigit(first11)).toBe(1);
  });

  it('reports no check digit when both weight sets give 10', () => {
    let found: string | null = null;
    for (let n = 0; n < 100000 && !found; n++) {
      const candidate = `900101300${String(n).padStart(5, '0')}`.slice(0, 11);
      if (iinCheckDigit(candidate) === null) found = candidate;
    }
    expect(found).not.toBeNull();
  });

  it('makeIin builds IINs that validate', () => {
    for (const [date, sex] of [['1975-12-31', 'F'], ['2004-02-29', 'M'], ['1899-06-15', 'M']] as const) {
      const iin = makeIin(date, sex);
      expect(validateIin(iin)).toEqual({ ok: true, birthDate: date, sex });
    }
  });
});
