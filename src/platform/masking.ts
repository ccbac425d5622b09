// Personal data never reaches logs or audit records in full.
import net from 'node:net';

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

/** 203.0.113.42 → 203.0.113.*; 2001:db8:85a3::8a2e:370:7334 → 2001:db8:85a3:*; anything else → null. */
export function maskIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  const version = net.isIP(address);
  if (version === 4) return `${address.split('.').slice(0, 3).join('.')}.*`;
  if (version === 6) {
    const head = address.split('::')[0].split(':').filter(Boolean).slice(0, 3);
    return head.length > 0 ? `${head.join(':')}:*` : '*';
  }
  return null;
}
