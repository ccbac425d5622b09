// Kazakhstan mobile numbers: +7 7XX XXX XX XX. People type them many ways: "8 701 …",
// "+7 (701) 123-45-67", "7011234567"; all become E.164 "+77011234567".

// Mobile ranges are 70X, 747 and 77X; 71X/72X are landline area codes (727 = Almaty).
const MOBILE_PREFIX = /^7(?:0\d|47|7\d)/;
const SEPARATORS = /[\s\-().\u00a0]/g;

export function normalizeKzMobile(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 40) return null;
  const compact = input.replace(SEPARATORS, '');
  // ASCII digits only: \d in JS regex is ASCII, so Arabic-Indic or full-width digits are refused.
  const match = /^(?:\+7|8|7)?(7\d{9})$/.exec(compact);
  if (!match || !MOBILE_PREFIX.test(match[1])) return null;
  return `+7${match[1]}`;
}

/** +77011234567 → +7 701 123 45 67, for texts shown to people. */
export function formatKzMobile(e164: string): string {
  const d = e164.slice(2);
  return `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8, 10)}`;
}
