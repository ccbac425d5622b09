// Dates in the UI language, Intl where the browser has the language's data (no i18n import: testable in Node).

export const LOCALES = { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-GB' } as const;

/**
 * Whether this browser has the language's date and unit names. Some builds (Debian's Chromium among
 * them) accept "kk" but carry no Kazakh data and answer in the root locale ("M12", "2026-03-05", "hr");
 * then the app's own catalogue and an explicit numeric date take over.
 */
const localeData = new Map<string, boolean>();
export function hasLocaleData(tag: string): boolean {
  let known = localeData.get(tag);
  if (known === undefined) {
    known = !/^M\d+$/.test(new Intl.DateTimeFormat(tag, { month: 'long' }).format(new Date(2020, 0, 15)));
    localeData.set(tag, known);
  }
  return known;
}

export type DateParts = 'date' | 'dateTime' | 'clock';

/**
 * "05.03.2026", "05.03.2026, 10:20" or "10:20", as dates are written in Kazakhstan (and as CLDR writes
 * kk and ru): assembled from parts, so it reads the same in a browser without Kazakh data.
 */
export function numericDate(date: Date, parts: DateParts, timeZone?: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  const day = `${p.day}.${p.month}.${p.year}`;
  const clock = `${p.hour}:${p.minute}`;
  return parts === 'date' ? day : parts === 'clock' ? clock : `${day}, ${clock}`;
}

/** A date and/or time in the UI language: Intl where the browser has the language's data, else `numericDate`. */
export function formatDate(date: Date, parts: DateParts, options: { tag: string; timeZone?: string }): string {
  const tag = options.tag;
  if (!hasLocaleData(tag)) return numericDate(date, parts, options.timeZone);
  const fields: Intl.DateTimeFormatOptions =
    parts === 'clock' ? { hour: '2-digit', minute: '2-digit' } : parts === 'date' ? { day: '2-digit', month: '2-digit', year: 'numeric' } : { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(tag, { ...fields, timeZone: options.timeZone }).format(date);
}
