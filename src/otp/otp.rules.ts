// One-time codes as pure decisions: when a code expires and may be resent, whether another may be sent
// (per phone and per IP within the window), and what a typed code does to the stored one (used,
// one attempt fewer, or exhausted). otp.service.ts loads the rows, asks these, and writes the answers.
import { constantTimeEqual, hmacSha256, randomDigits } from '../platform/crypto.js';
import { limitRetryAfter, secondsUntil, type WindowCount } from '../platform/limits.rules.js';

export { secondsUntil };

export interface OtpRules {
  ttlSeconds: number;
  resendCooldownSeconds: number;
  maxAttempts: number;
  sendLimitPerPhone: number;
  sendLimitPerIp: number;
  sendLimitWindowSeconds: number;
}

export function generateOtp(length: number): string {
  return randomDigits(length);
}

/** Codes are stored only as an HMAC bound to their owner (registration or sign-in), so a leaked table reveals nothing. */
export function hashOtp(secret: Buffer, ownerId: string, code: string): Buffer {
  return hmacSha256(secret, 'otp', ownerId, code);
}

export function otpMatches(secret: Buffer, ownerId: string, code: string, stored: Buffer): boolean {
  return constantTimeEqual(hashOtp(secret, ownerId, code), stored);
}

/** A new code's expiry and the moment a resend becomes possible. */
export function codeTiming(now: Date, rules: Pick<OtpRules, 'ttlSeconds' | 'resendCooldownSeconds'>): { expiresAt: Date; resendAvailableAt: Date } {
  return { expiresAt: new Date(now.getTime() + rules.ttlSeconds * 1000), resendAvailableAt: new Date(now.getTime() + rules.resendCooldownSeconds * 1000) };
}

/** The start of the window the send limits count in. */
export function sendWindowStart(now: Date, rules: Pick<OtpRules, 'sendLimitWindowSeconds'>): Date {
  return new Date(now.getTime() - rules.sendLimitWindowSeconds * 1000);
}

/** Seconds until a resend is allowed (the latest code's cooldown), or null when it is. */
export function resendRetryAfter(latest: { resendAvailableAt: Date } | undefined, now: Date): number | null {
  if (!latest || latest.resendAvailableAt.getTime() <= now.getTime()) return null;
  return secondsUntil(latest.resendAvailableAt, now);
}

/** Seconds until one more code may be sent (the phone's limit first, then the IP's), or null when it may. */
export function sendRetryAfter(sent: { phone: WindowCount; ip: WindowCount }, rules: Pick<OtpRules, 'sendLimitPerPhone' | 'sendLimitPerIp' | 'sendLimitWindowSeconds'>, now: Date): number | null {
  return limitRetryAfter(
    [
      { used: sent.phone, limit: rules.sendLimitPerPhone },
      { used: sent.ip, limit: rules.sendLimitPerIp },
    ],
    rules.sendLimitWindowSeconds,
    now,
  );
}

export type OtpStatus = 'active' | 'voided' | 'used' | 'exhausted';

export type OtpVerification =
  | { ok: true }
  | { ok: false; code: 'OTP_INVALID'; attemptsLeft: number }
  | { ok: false; code: 'OTP_EXPIRED' | 'OTP_ATTEMPTS_EXCEEDED' };

/** What a typed code does: the answer, and the attempt to record on the stored code (none when it no longer takes attempts). */
export interface OtpAttempt {
  verification: OtpVerification;
  record: { attempts: number; status: Exclude<OtpStatus, 'voided'> } | null;
}

/**
 * The latest code of the registration against the code typed (`matches`). A voided, used or expired
 * code answers OTP_EXPIRED, an exhausted one OTP_ATTEMPTS_EXCEEDED, without counting an attempt; a
 * wrong code counts one and exhausts the code at the limit.
 */
export function judgeAttempt(latest: { status: string; expiresAt: Date; attempts: number } | undefined, matches: boolean, rules: Pick<OtpRules, 'maxAttempts'>, now: Date): OtpAttempt {
  if (!latest || latest.status === 'voided' || latest.status === 'used') return { verification: { ok: false, code: 'OTP_EXPIRED' }, record: null };
  if (latest.status === 'exhausted') return { verification: { ok: false, code: 'OTP_ATTEMPTS_EXCEEDED' }, record: null };
  if (latest.expiresAt.getTime() <= now.getTime()) return { verification: { ok: false, code: 'OTP_EXPIRED' }, record: null };
  const attempts = latest.attempts + 1;
  if (matches) return { verification: { ok: true }, record: { attempts, status: 'used' } };
  const attemptsLeft = Math.max(0, rules.maxAttempts - attempts);
  return { verification: { ok: false, code: 'OTP_INVALID', attemptsLeft }, record: { attempts, status: attemptsLeft === 0 ? 'exhausted' : 'active' } };
}
