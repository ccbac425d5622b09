import { describe, expect, it } from 'vitest';
import { normalizeKzMobile } from './phone.rules.js';

describe('normalizeKzMobile', () => {
  it.each([
    ['+77011234567', '+77011234567'],
    ['87011234567', '+77011234567'],
    ['8 701 123 45 67', '+77011234567'],
    ['+7 (701) 123-45-67', '+77011234567'],
    ['7011234567', '+77011234567'],
    ['77471234567', '+77471234567'],
    ['+7-705-123-45-67', '+77051234567'],
  ])('accepts %s as %s', (input, expected) => {
    expect(normalizeKzMobile(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['+7701123456', 'too short'],
    ['+770112345678', 'too long'],
    ['+7 727 123 45 67', 'Almaty landline'],
    ['+79161234567', 'Russian mobile'],
    ['+1 701 123 4567', 'other country'],
    ['+7701123456a', 'letter'],
    ['+7٧٠١١٢٣٤٥٦٧', 'Arabic-Indic digits'],
    ['+７７０１１２３４５６７', 'full-width digits'],
    ["+77011234567' OR 1=1", 'SQL text'],
  ])('refuses %s (%s)', (input) => {
    expect(normalizeKzMobile(input)).toBeNull();
  });

  it('refuses non-strings', () => {
    expect(normalizeKzMobile(77011234567)).toBeNull();
    expect(normalizeKzMobile(null)).toBeNull();
  });
});
