// The registration in progress survives a reload (sessionStorage: per tab, gone when the tab closes).
import type { OtpTiming } from './api.js';

export interface Session {
  id: string;
  token: string;
  /** E.164, e.g. +77011234501 */
  phone: string;
  otp?: OtpTiming;
  iin?: string;
  maskedName?: string;
}

const KEY = 'digital-id.registration';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw);
    return typeof value?.id === 'string' && typeof value?.token === 'string' ? (value as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
  } catch {
    /* storage blocked: the registration lasts for this page only */
  }
}
