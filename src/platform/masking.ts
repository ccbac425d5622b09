// Personal data never reaches logs or audit records in full.

/** +77011234567 → +7701***4567 */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '***';
  return `${phone.slice(0, 5)}***${phone.slice(-4)}`;
}

/** 880312311013 → 8803******13 */
export function maskIin(iin: string): string {
  if (iin.length < 6) return '***';
  return `${iin.slice(0, 4)}******${iin.slice(-2)}`;
}

/** Серікбаев Асқар Нұрланұлы → Асқар С. */
export function maskName(firstName: string, lastName: string): string {
  const initial = lastName.trim().slice(0, 1);
  return initial ? `${firstName.trim()} ${initial}.` : firstName.trim();
}
