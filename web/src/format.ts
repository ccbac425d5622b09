import type { TFunction } from 'i18next';
import i18next from 'i18next';
import { ApiError } from './api.js';
import { currentLanguage } from './i18n/index.js';
import { LOCALES } from './dates.js';

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

/** 880312311013 → 8803******13, as the server masks an IIN (src/platform/masking.ts). */
export function maskIin(iin: string): string {
  return iin.length < 6 ? '***' : `${iin.slice(0, 4)}******${iin.slice(-2)}`;
}

/** The Intl locale of the UI language (never the browser's default). */
export function locale(): string {
  return LOCALES[currentLanguage()];
}

/** A countdown as a clock reads: 45 → "0:45", 60 → "1:00", 901 → "15:01", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The text for an error (the same source, one order, in the wizard and the staff console). */
export function describeError(_t: TFunction, error: unknown): string {
  if (error instanceof ApiError) return apiErrorText(error.code, error.details, error.serverMessage, error.retryAfter);
  return i18next.t('errors.INTERNAL_ERROR');
}

/**
 * An API error's text: the catalogue's text for its code in the UI language (the one the server sent as
 * `message`), with times shown for reading; the server's message only for a code this build does not know.
 */
export function apiErrorText(code: string, details: Record<string, unknown>, serverMessage: string, retryAfter: number | null = null): string {
  const key = `errors.${code}`;
  if (!i18next.exists(key)) return serverMessage || i18next.t('errors.INTERNAL_ERROR');
  const lockedUntil = typeof details.lockedUntil === 'string' ? new Date(details.lockedUntil) : null;
  const seconds = retryAfter ?? (typeof details.retryAfter === 'number' ? details.retryAfter : null);
  return i18next.t(key, {
    ...details,
    retryAfter: seconds === null ? '…' : Math.max(1, Math.ceil(seconds)),
    lockedUntil: lockedUntil && !Number.isNaN(lockedUntil.getTime()) ? lockedUntil.toLocaleTimeString(currentLanguage(), { hour: '2-digit', minute: '2-digit' }) : '…',
    attemptsLeft: details.attemptsLeft ?? '—',
  });
}
