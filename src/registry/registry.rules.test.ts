import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors/app-error.js';
import { assertBindable, isJpeg, validateCitizenRow, type RawCitizenRow } from './registry.rules.js';
import { parseCitizensCsv } from './registry-import.service.js';
import { builtInDemoCitizens } from './demo-seed.js';

const TODAY = new Date('2026-11-25T00:00:00Z');
const GOOD: RawCitizenRow = {
  iin: '880312311013',
  phone: '+77011234501',
  last_name: 'Серікбаев',
  first_name: 'Асқар',
  middle_name: 'Нұрланұлы',
  birth_date: '1988-03-12',
  sex: 'M',
  photo: 'photos/d0.jpg',
};
const HEADER = 'iin,phone,last_name,first_name,middle_name,birth_date,sex,photo';

describe('validateCitizenRow', () => {
  it('accepts a correct row and normalises it', () => {
    const result = validateCitizenRow(2, { ...GOOD, phone: '8 (701) 123-45-01', last_name: '  Серікбаев ', middle_name: '', sex: 'm' }, TODAY);
    expect(result).toEqual({
      citizen: { line: 2, iin: '880312311013', phone: '+77011234501', lastName: 'Серікбаев', firstName: 'Асқар', middleName: null, birthDate: '1988-03-12', sex: 'M', photo: 'photos/d0.jpg' },
    });
  });

  it('accepts a row without phone (no BMG binding) and without photo', () => {
    const result = validateCitizenRow(2, { ...GOOD, phone: '', photo: '' }, TODAY);
    expect(result).toMatchObject({ citizen: { phone: null, photo: null } });
  });

  it.each<[string, Partial<RawCitizenRow>, string, RegExp]>([
    ['an IIN of 11 digits', { iin: '88031231101' }, 'iin', /12 digits/],
    ['an IIN with letters', { iin: '88031231101A' }, 'iin', /12 digits/],
    ['an IIN with a wrong check digit', { iin: '880312311014' }, 'iin', /check digit/],
    ['an IIN with an impossible date', { iin: '881312311013' }, 'iin', /birth date/],
    ['an IIN with century digit 7', { iin: '880312711013' }, 'iin', /century/],
    ['a birth date that differs from the IIN', { birth_date: '1988-03-13' }, 'birth_date', /does not match the IIN/],
    ['a birth date not as YYYY-MM-DD', { birth_date: '12.03.1988' }, 'birth_date', /YYYY-MM-DD/],
    ['a sex that differs from the IIN', { sex: 'F' }, 'sex', /does not match the IIN/],
    ['a sex other than M/F', { sex: 'X' }, 'sex', /M or F/],
    ['a landline phone', { phone: '+77272123456' }, 'phone', /Kazakhstan mobile/],
    ['a Russian mobile', { phone: '+79161234567' }, 'phone', /Kazakhstan mobile/],
    ['an empty last name', { last_name: '  ' }, 'last_name', /empty/],
    ['an empty first name', { first_name: '' }, 'first_name', /empty/],
    ['a name without letters', { first_name: '123' }, 'first_name', /letters/],
    ['a name with control characters', { last_name: 'Ким\u0007' }, 'last_name', /control/],
  ])('refuses %s', (_name, change, field, reason) => {
    const result = validateCitizenRow(7, { ...GOOD, ...change }, TODAY);
    expect('problems' in result && result.problems).toEqual(expect.arrayContaining([expect.objectContaining({ line: 7, field, reason: expect.stringMatching(reason) })]));
  });

  it('reports every problem of a row, not only the first', () => {
    const result = validateCitizenRow(4, { ...GOOD, phone: '123', first_name: '', sex: '?' }, TODAY);
    expect('problems' in result && result.problems.map((p) => p.field)).toEqual(['phone', 'first_name', 'sex']);
  });

  it('never echoes the phone number in a reason', () => {
    const result = validateCitizenRow(4, { ...GOOD, phone: '+79161234567' }, TODAY);
    expect(JSON.stringify(result)).not.toContain('9161234567');
  });
});

describe('parseCitizensCsv', () => {
  it('reads the import format with BOM, CRLF and quoted names', () => {
    const text = `\uFEFF${HEADER}\r\n880312311013,+77011234501,"Серікбаев","Асқар",Нұрланұлы,1988-03-12,M,photos/d0.jpg\r\n`;
    const result = parseCitizensCsv(text, TODAY);
    expect(result.problems).toEqual([]);
    expect(result.citizens.map((c) => [c.line, c.iin, c.lastName])).toEqual([[2, '880312311013', 'Серікбаев']]);
  });

  it('accepts the columns in any order', () => {
    const text = 'sex,iin,birth_date,photo,phone,first_name,last_name,middle_name\nM,880312311013,1988-03-12,,+77011234501,Асқар,Серікбаев,\n';
    expect(parseCitizensCsv(text, TODAY)).toMatchObject({ problems: [], citizens: [{ iin: '880312311013', middleName: null, photo: null }] });
  });

  it.each([
    ['a missing column', 'iin,phone,last_name,first_name,middle_name,birth_date,sex\n', /missing column "photo"/],
    ['an unknown column', `${HEADER},email\n`, /unknown column "email"/],
    ['a repeated column', `${HEADER},iin\n`, /appears twice/],
    ['an empty file', '', /empty/],
  ])('refuses a header with %s', (_name, text, reason) => {
    expect(parseCitizensCsv(text, TODAY)).toEqual({ citizens: [], problems: [expect.objectContaining({ line: 1, reason: expect.stringMatching(reason) })] });
  });

  it('reports bad rows with their line numbers, counting lines inside quoted fields', () => {
    const text = [
      HEADER,
      '880312311013,+77011234501,Серікбаев,Асқар,"Нұрлан-\nұлы",1988-03-12,M,',
      '930725411020,+77051234502,Ахметова,Айгерім,,1993-07-25,F,',
      '961104411039,+77071234503,Жұмабаева,Дана',
      '910218311040,+77471234504,Ким,Дмитрий,Сергеевич,1991-02-18,M,',
    ].join('\n');
    const result = parseCitizensCsv(text, TODAY);
    expect(result.problems.map((p) => [p.line, p.field ?? null])).toEqual([
      [4, 'iin'],
      [5, null],
    ]);
  });

  it('refuses one phone on two IINs and one IIN with two different persons', () => {
    const text = [
      HEADER,
      '880312311013,+77011234501,Серікбаев,Асқар,,1988-03-12,M,',
      '930725411027,+77011234501,Ахметова,Айгерім,,1993-07-25,F,',
      '880312311013,+77011234599,Серікбаева,Асқар,,1988-03-12,M,',
    ].join('\n');
    const result = parseCitizensCsv(text, TODAY);
    expect(result.problems).toEqual([
      expect.objectContaining({ line: 3, field: 'phone', reason: 'the phone is already on line 2' }),
      expect.objectContaining({ line: 4, field: 'iin', reason: 'the IIN is on line 2 with other names' }),
    ]);
  });

  it('accepts one IIN with several phones', () => {
    const text = [HEADER, '880312311013,+77011234501,Серікбаев,Асқар,,1988-03-12,M,', '880312311013,+77771234501,Серікбаев,Асқар,,1988-03-12,M,'].join('\n');
    expect(parseCitizensCsv(text, TODAY)).toMatchObject({ problems: [], citizens: [{ phone: '+77011234501' }, { phone: '+77771234501' }] });
  });
});

describe('assertBindable', () => {
  it.each([
    ['+7701123450', '880312311013', 'PHONE_INVALID'],
    ['87011234501', '880312311013', 'PHONE_INVALID'],
    ['+77011234501', '880312311014', 'IIN_CHECKSUM'],
    ['+77011234501', 'x', 'IIN_FORMAT'],
  ])('refuses phone %s with IIN %s as %s', (phone, iin, code) => {
    expect(() => assertBindable(phone, iin)).toThrow(expect.objectContaining({ code }) as unknown as AppError);
  });

  it('accepts an E.164 Kazakhstan mobile and a valid IIN', () => {
    expect(() => assertBindable('+77011234501', '880312311013')).not.toThrow();
  });
});

describe('demo data', () => {
  it('has built-in citizens with valid IINs, matching birth dates and Kazakhstan mobiles', () => {
    const citizens = builtInDemoCitizens();
    expect(citizens.length).toBeGreaterThanOrEqual(5);
    expect(citizens.filter((c) => c.phone).every((c) => /^\+77\d{9}$/.test(c.phone!))).toBe(true);
  });
});

describe('isJpeg', () => {
  it.each([
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0]), true],
    [Buffer.from('\x89PNG\r\n'), false],
    [Buffer.alloc(0), false],
  ])('tells JPEG magic bytes (%#)', (bytes, expected) => expect(isJpeg(bytes)).toBe(expected));
});
