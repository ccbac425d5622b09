// Dates, durations and scores in the console's language (Intl), never the browser's default locale.
import type { TFunction } from 'i18next';
import { currentLanguage, type Language } from '../i18n/index.js';

const LOCALES: Record<Language, string> = { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-GB' };

export function locale(): string {
  return LOCALES[currentLanguage()];
}

/** 5400 → "1 ч 30 мин" / "1 hr 30 min" / "1 сағ 30 мин": hours and minutes in the chosen language. */
export function formatSpan(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const unit = (value: number, name: 'hour' | 'minute') => new Intl.NumberFormat(locale(), { style: 'unit', unit: name, unitDisplay: 'short' }).format(value);
  return h > 0 ? `${unit(h, 'hour')} ${unit(m, 'minute')}` : unit(m, 'minute');
}

export function timeLeft(t: TFunction, secondsLeft: number): string {
  return secondsLeft < 0 ? t('cases.overdue', { time: formatSpan(secondsLeft) }) : t('cases.left', { time: formatSpan(secondsLeft) });
}

export function formatTime(iso: string | null): string {
  return iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';
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
