// Dates, durations and scores in the console's language (Intl), never the browser's default locale.
import type { TFunction } from 'i18next';
import { locale } from '../format.js';
import { formatDate, hasLocaleData } from '../dates.js';

export { locale };

/** 5400 → "1 ч 30 мин" / "1 hr 30 min" / "1 сағ 30 мин": hours and minutes in the chosen language. */
export function formatSpan(t: TFunction, seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const tag = locale();
  const unit = (value: number, name: 'hour' | 'minute') =>
    hasLocaleData(tag) ? new Intl.NumberFormat(tag, { style: 'unit', unit: name, unitDisplay: 'short' }).format(value) : t(`units.${name}`, { count: value });
  return h > 0 ? `${unit(h, 'hour')} ${unit(m, 'minute')}` : unit(m, 'minute');
}

export function timeLeft(t: TFunction, secondsLeft: number): string {
  return secondsLeft < 0 ? t('cases.overdue', { time: formatSpan(t, secondsLeft) }) : t('cases.left', { time: formatSpan(t, secondsLeft) });
}

export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const tag = locale();
  const date = new Date(iso);
  if (hasLocaleData(tag)) return new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  return formatDate(date, 'dateTime', { tag });
}

export function formatScore(value: number | null | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? String(value) : new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/** A label for a key the catalogue does not know yet ("passiveScore" → "passive score"), never the raw key. */
export function humanize(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_.]+/g, ' ')
    .toLowerCase();
}
