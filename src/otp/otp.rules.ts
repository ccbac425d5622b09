import { constantTimeEqual, hmacSha256, randomDigits } from '../platform/crypto.js';

export function generateOtp(length: number): string {
  return randomDigits(length);
}

/** Codes are stored only as an HMAC bound to their registration, so a leaked table reveals nothing. */
export function hashOtp(secret: Buffer, registrationId: string, code: string): Buffer {
  return hmacSha256(secret, 'otp', registrationId, code);
}

export function otpMatches(secret: Buffer, registrationId: string, code: string, stored: Buffer): boolean {
  return constantTimeEqual(hashOtp(secret, registrationId, code), stored);
}

export function secondsUntil(when: Date, now: Date): number {
  return Math.max(1, Math.ceil((when.getTime() - now.getTime()) / 1000));
}
