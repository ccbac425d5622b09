import type { TFunction } from 'i18next';
import { ApiError } from './api.js';

/** +77011234501 → +7 (701) 123-45-01 */
export function formatPhone(e164: string): string {
  const d = e164.replace(/\D/g, '').slice(1);
  return `+7 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8, 10)}`;
}

/** +77011234501 → +7 (701) ***-**-01, for screens others may see over a shoulder. */
export function maskPhone(e164: string): string {
  const d = e164.replace(/\D/g, '').slice(1);
  return `+7 (${d.slice(0, 3)}) ***-**-${d.slice(8, 10)}`;
}

/** A countdown as a clock reads: 45 → "0:45", 60 → "1:00", 901 → "15:01", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The text for an error: ours for the codes we know, else the server's (already in the UI language). */
export function describeError(t: TFunction, error: unknown): string {
  if (!(error instanceof ApiError)) return t('errors.INTERNAL_ERROR');
  const key = `errors.${error.code}`;
  const lockedUntil = typeof error.details.lockedUntil === 'string' ? Date.parse(error.details.lockedUntil) : NaN;
  const seconds = error.retryAfter ?? (Number.isFinite(lockedUntil) ? (lockedUntil - Date.now()) / 1000 : null);
  if (t(key, { defaultValue: '' }) !== '') {
    return t(key, { attemptsLeft: error.details.attemptsLeft ?? '—', time: seconds === null ? '…' : formatDuration(seconds) });
  }
  return error.serverMessage || t('errors.INTERNAL_ERROR');
}
