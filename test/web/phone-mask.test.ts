// The wizard's phone field rules (web/src/steps/phone/phone-mask.ts): every common way of typing a
// Kazakhstan mobile number, key by key or whole, means the same national number.
import { describe, expect, it } from 'vitest';
import { applyEdit, deleteLast, formatMasked, fromWhole, nationalDigits, typeAtEnd } from '../../web/src/steps/phone/phone-mask.js';

/** Types the text one key at a time at the end of the field, as the browser announces each key. */
function typeKeys(text: string): string {
  let typed = '';
  for (const ch of text) {
    const shown = formatMasked(nationalDigits(typed));
    const caret = shown.indexOf('_') === -1 ? shown.length : shown.indexOf('_');
    typed = applyEdit(typed, shown, { kind: 'insert', text: ch }, { start: caret, end: caret });
  }
  return nationalDigits(typed);
}

const WAYS = ['7011234501', '87011234501', '+77011234501', '77011234501', '8 (701) 123-45-01', '+7 (701) 123 45 01', '7 701 123 45 01', '+7 701-123-45-01', '8-701-123-4501'];

describe('phone mask', () => {
  for (const way of WAYS) {
    it(`"${way}" typed key by key or whole is 701 123 45 01`, () => {
      expect(typeKeys(way)).toBe('7011234501');
      expect(nationalDigits(fromWhole(way))).toBe('7011234501');
    });
  }

  it('a Kcell 77X number typed without a prefix keeps its leading 77', () => {
    expect(typeKeys('7771234567')).toBe('7771234567');
    expect(typeKeys('87771234567')).toBe('7771234567');
    expect(typeKeys('+77771234567')).toBe('7771234567');
    expect(typeKeys('77771234567')).toBe('7771234567');
  });

  it('digits after a complete number are dropped', () => {
    expect(typeKeys('70112345019')).toBe('7011234501');
    expect(typeKeys('870112345019')).toBe('7011234501');
  });

  it('backspace removes the last digit and then the prefix', () => {
    let typed = typeAtEnd('', '87');
    typed = deleteLast(typed);
    expect(typed).toBe('');
    typed = fromWhole('77011234501');
    typed = deleteLast(typed);
    // The country code stays read as a prefix once the number showed it was one.
    expect(nationalDigits(typed)).toBe('701123450');
  });

  it('an edit inside the number or over a selection reads the field again', () => {
    const shown = formatMasked('7011234501');
    expect(nationalDigits(applyEdit(fromWhole('87011234501'), shown, { kind: 'insert', text: '8 777 000 11 22' }, { start: 0, end: shown.length }))).toBe('7770001122');
    // Backspace with the caret after "701": the 1 goes.
    expect(nationalDigits(applyEdit(fromWhole('87011234501'), shown, { kind: 'deleteBackward' }, { start: 7, end: 7 }))).toBe('701234501');
    expect(applyEdit(fromWhole('87011234501'), shown, { kind: 'deleteBackward' }, { start: 0, end: shown.length })).toBe('');
  });
});
