import type { TFunction } from 'i18next';

/** 5400 → "1 h 30 min" style, short and language-neutral enough for a queue column. */
export function formatSpan(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${String(m).padStart(2, '0')} h` : `${m} min`;
}

export function timeLeft(t: TFunction, secondsLeft: number): string {
  return secondsLeft < 0 ? t('cases.overdue', { time: formatSpan(secondsLeft) }) : t('cases.left', { time: formatSpan(secondsLeft) });
}

export function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '—';
}

export function formatScore(value: number | null | undefined): string {
  if (typeof value !== 'number') return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
