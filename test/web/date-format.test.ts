// Dates on the profile and the staff console: Kazakh written as CLDR writes it (Node has full ICU) even
// in a browser that accepts "kk" without its data (Debian's Chromium answers "2026-03-05" and "M03").
import { describe, expect, it } from 'vitest';
import { formatDate, hasLocaleData, numericDate } from '../../web/src/dates.js';

const at = new Date('2026-03-05T10:20:00Z');

describe('date format', () => {
  it.each(['kk-KZ', 'ru-RU'])('writes %s dates and times as Intl with its data does: dd.mm.yyyy, HH:MM', (tag) => {
    expect(hasLocaleData(tag)).toBe(true);
    for (const parts of ['date', 'dateTime', 'clock'] as const) {
      expect(numericDate(at, parts, 'UTC'), parts).toBe(formatDate(at, parts, { tag, timeZone: 'UTC' }));
    }
    expect(numericDate(at, 'dateTime', 'UTC')).toBe('05.03.2026, 10:20');
  });
});
