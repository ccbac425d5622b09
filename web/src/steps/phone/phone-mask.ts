// The "+7 (7__) ___-__-__" mask. The leading 7 of the operator code is part of the mask, so the citizen
// types the 9 digits after it. Pasted or autofilled numbers come in every format ("+7 701…", "8701…").

export const PHONE_MASK = '+7 (7__) ___-__-__';
const PREFIX = '+7 (7';

export function formatMasked(digits: string): string {
  let i = 0;
  return PHONE_MASK.replace(/_/g, () => (i < digits.length ? digits[i++] : '_'));
}

/** Caret position after the last typed digit. */
export function caretAfterDigits(digits: string): number {
  const masked = formatMasked(digits);
  const hole = masked.indexOf('_');
  return hole === -1 ? masked.length : hole;
}

/** The 9 digits after "+7 (7" from a whole number in any common format. */
export function digitsFromNumber(text: string): string {
  let d = text.replace(/\D/g, '');
  if (d.length >= 11 && /^[78]7/.test(d)) d = d.slice(2);
  else if (d.length === 10 && d[0] === '7') d = d.slice(1);
  return d.slice(0, 9);
}

/** The digits after an edit of the masked field (typing, deleting, or the browser filling it). */
export function digitsFromInput(raw: string, previous: string): string {
  if (!raw.startsWith(PREFIX)) return digitsFromNumber(raw);
  const typed = raw.slice(PREFIX.length).replace(/\D/g, '');
  // One key at a time: a digit typed into a full field is dropped. More at once is a whole number
  // inserted into the mask (autofill, or a paste the browser handled itself).
  if (typed.length <= previous.length + 1) return typed.slice(0, 9);
  return digitsFromNumber(typed);
}

export function toE164(digits: string): string {
  return `+77${digits}`;
}
