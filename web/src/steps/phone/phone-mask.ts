// The phone field. People type a Kazakhstan mobile number many ways: "8 701 123 45 67", "+7 701…",
// "7 701…", "701…", with spaces, brackets and dashes, key by key or pasted. The field keeps what was
// typed (a leading "+" and the digits) and shows the national number it means in the
// "+7 (7XX) XXX-XX-XX" mask; the prefix people add themselves (8, 7 or +7) is read, never appended.

export const PHONE_MASK = '+7 (___) ___-__-__';
const NATIONAL_LENGTH = 10;

/** What was typed so far: an optional leading "+", then digits only. */
export type Typed = string;

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/**
 * Whether the typed digits start with a prefix before the national number: "+7", the trunk "8", or a
 * bare country code 7 — national numbers start with 7 too, so a bare 7 is a prefix only when another 7
 * follows (77X…) and an eleventh digit arrives.
 */
function prefixLength(typed: Typed): 0 | 1 {
  const d = digitsOf(typed);
  if (typed.startsWith('+')) return d.startsWith('7') ? 1 : 0;
  if (d.startsWith('8')) return 1;
  if (d.length > NATIONAL_LENGTH && d.startsWith('77')) return 1;
  return 0;
}

/** The most digits the typed text may hold: the national number and its prefix. */
function capacity(typed: Typed): number {
  const d = digitsOf(typed);
  if (typed.startsWith('+') || d.startsWith('8') || d.startsWith('77')) return NATIONAL_LENGTH + 1;
  return NATIONAL_LENGTH;
}

/** The national number (up to 10 digits, "7011234567") the typed text means. */
export function nationalDigits(typed: Typed): string {
  return digitsOf(typed).slice(prefixLength(typed)).slice(0, NATIONAL_LENGTH);
}

/** Typed text as stored: once a bare leading 7 turns out to be the country code, it is written as "+7". */
function settle(typed: Typed): Typed {
  if (!typed.startsWith('+') && prefixLength(typed) === 1 && digitsOf(typed).startsWith('77')) return `+${typed}`;
  return typed;
}

/** Characters typed at the end of the number: digits up to the capacity, "+" only first, the rest ignored. */
export function typeAtEnd(typed: Typed, text: string): Typed {
  let next = typed;
  for (const ch of text) {
    if (ch === '+' && next === '') next = '+';
    else if (ch >= '0' && ch <= '9' && digitsOf(next).length < capacity(next + ch)) next = settle(next + ch);
  }
  return next;
}

/** A whole number (pasted, autofilled, or the field's text after an edit the page did not see coming). */
export function fromWhole(text: string): Typed {
  return typeAtEnd('', text.trimStart().startsWith('+') ? `+${digitsOf(text)}` : digitsOf(text));
}

/** Backspace at the end: the last digit goes; a prefix left alone goes with it. */
export function deleteLast(typed: Typed): Typed {
  if (nationalDigits(typed) === '') return '';
  const next = typed.slice(0, -1);
  return nationalDigits(next) === '' ? '' : next;
}

/** "7011234" → "+7 (701) 123-4_-__" */
export function formatMasked(national: string): string {
  let i = 0;
  return PHONE_MASK.replace(/_/g, () => (i < national.length ? national[i++] : '_'));
}

/** Caret position after the last digit of the number shown. */
export function caretAfterDigits(national: string): number {
  const masked = formatMasked(national);
  const hole = masked.indexOf('_');
  return hole === -1 ? masked.length : hole;
}

/** The typed text for E.164 "+77011234567" (a number kept from before a reload). */
export function typedFromE164(e164: string): Typed {
  return fromWhole(e164);
}

/**
 * One edit of the shown field as the browser announces it (beforeinput): typing or deleting at the end
 * keeps the typed prefix; an edit inside the number or over a selection is applied to the shown text,
 * which always starts with "+7", and read again as a whole number.
 */
export function applyEdit(
  typed: Typed,
  shown: string,
  edit: { kind: 'insert'; text: string } | { kind: 'deleteBackward' } | { kind: 'deleteForward' },
  selection: { start: number; end: number },
): Typed {
  const national = nationalDigits(typed);
  const end = shown === '' ? 0 : caretAfterDigits(national);
  const { start, end: selEnd } = selection;
  const collapsed = start === selEnd;
  if (edit.kind === 'insert') {
    if (!collapsed && start === 0 && selEnd >= shown.length) return fromWhole(edit.text);
    if (collapsed && start >= end) return typeAtEnd(typed, edit.text);
    return fromWhole(shown.slice(0, start) + edit.text + shown.slice(selEnd));
  }
  if (!collapsed) {
    if (start === 0 && selEnd >= shown.length) return '';
    return fromWhole(shown.slice(0, start) + shown.slice(selEnd));
  }
  if (edit.kind === 'deleteBackward') {
    if (start >= end) return deleteLast(typed);
    // The digit before the caret, skipping the mask's separators; never the "+7" of the mask.
    let at = start - 1;
    while (at >= 4 && !/\d/.test(shown[at])) at--;
    if (at < 4) return typed;
    return fromWhole(shown.slice(0, at) + shown.slice(at + 1));
  }
  let at = Math.max(start, 4);
  while (at < shown.length && !/\d/.test(shown[at])) at++;
  if (at >= end) return typed;
  return fromWhole(shown.slice(0, at) + shown.slice(at + 1));
}
