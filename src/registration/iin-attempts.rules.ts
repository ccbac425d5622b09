// The IIN step asks the population registry and BMG about the IIN typed, so every such lookup is an
// attempt: a few per registration (then the registration ends), and a daily budget per phone and per IP.
import { limitRetryAfter, type WindowCount } from '../platform/limits.rules.js';

export const IIN_ATTEMPT_WINDOW_SECONDS = 86_400;

export interface IinAttemptLimits {
  perRegistration: number;
  perPhonePerDay: number;
  perIpPerDay: number;
}

export interface IinAttemptsUsed {
  /** Lookups of this registration so far (none is forgotten). */
  registration: number;
  /** Lookups for this phone and from this IP within the last day. */
  phone: WindowCount;
  ip: WindowCount;
}

export type IinAttemptRefusal = { code: 'IIN_ATTEMPTS_EXCEEDED' } | { code: 'IIN_ATTEMPT_LIMIT'; retryAfter: number };

/** Whether one more lookup may be made; refusals say whether the registration is over or when to come back. */
export function refuseIinAttempt(used: IinAttemptsUsed, limits: IinAttemptLimits, now: Date): IinAttemptRefusal | null {
  if (used.registration >= limits.perRegistration) return { code: 'IIN_ATTEMPTS_EXCEEDED' };
  const retryAfter = limitRetryAfter(
    [
      { used: used.phone, limit: limits.perPhonePerDay },
      { used: used.ip, limit: limits.perIpPerDay },
    ],
    IIN_ATTEMPT_WINDOW_SECONDS,
    now,
  );
  return retryAfter === null ? null : { code: 'IIN_ATTEMPT_LIMIT', retryAfter };
}

/** Attempts the registration has left after `used` failed lookups; at 0 the registration ends. */
export function iinAttemptsLeft(used: number, limits: Pick<IinAttemptLimits, 'perRegistration'>): number {
  return Math.max(0, limits.perRegistration - used);
}
