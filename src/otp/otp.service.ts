// One-time codes: issue (with cooldown, send limits and voiding of the previous code) and verify
// (expiry, attempt limit, constant-time compare). Both run inside the caller's transaction.
import { randomUUID } from 'node:crypto';
import type { Config, Language } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import type { SmsOutbound } from '../sms/sms.outbound.js';
import { generateOtp, hashOtp, otpMatches, secondsUntil } from './otp.rules.js';
import * as store from './otp.store.js';

export interface OtpTiming {
  expiresAt: string;
  resendAvailableAt: string;
}

export type OtpVerification =
  | { ok: true }
  | { ok: false; code: 'OTP_INVALID'; attemptsLeft: number }
  | { ok: false; code: 'OTP_EXPIRED' | 'OTP_ATTEMPTS_EXCEEDED' };

export class OtpService {
  constructor(
    private readonly config: Config,
    private readonly sms: SmsOutbound,
  ) {}

  async issue(
    conn: DbOrTx,
    input: { registrationId: string; phone: string; clientIp: string; language: Language; now: Date; isResend: boolean },
  ): Promise<OtpTiming> {
    const { otp } = this.config;
    const { now } = input;
    await store.lockPhone(conn, input.phone);

    if (input.isResend) {
      const latest = await store.latestCodeForUpdate(conn, input.registrationId);
      if (latest && new Date(latest.resend_available_at) > now) {
        const retryAfter = secondsUntil(new Date(latest.resend_available_at), now);
        throw new AppError('OTP_RESEND_TOO_EARLY', { retryAfter }, { 'retry-after': String(retryAfter) });
      }
    }

    const windowStart = new Date(now.getTime() - otp.sendLimitWindowSeconds * 1000);
    const sent = await store.countSendsSince(conn, input.phone, input.clientIp, windowStart);
    for (const [count, limit] of [
      [sent.phone, otp.sendLimitPerPhone],
      [sent.ip, otp.sendLimitPerIp],
    ] as const) {
      if (count.count >= limit) {
        const retryAfter = secondsUntil(new Date((count.oldest ?? now).getTime() + otp.sendLimitWindowSeconds * 1000), now);
        throw new AppError('OTP_SEND_LIMIT', { retryAfter }, { 'retry-after': String(retryAfter) });
      }
    }

    if (input.isResend) await store.voidActiveCodes(conn, input.registrationId);
    const code = generateOtp(otp.length);
    const expiresAt = new Date(now.getTime() + otp.ttlSeconds * 1000);
    const resendAvailableAt = new Date(now.getTime() + otp.resendCooldownSeconds * 1000);
    await store.insertCode(conn, {
      id: randomUUID(),
      registrationId: input.registrationId,
      phone: input.phone,
      clientIp: input.clientIp,
      codeHmac: hashOtp(this.config.secretKey, input.registrationId, code),
      createdAt: now,
      expiresAt,
      resendAvailableAt,
    });
    await this.sms.enqueue(conn, { phone: input.phone, language: input.language, purpose: 'otp', params: { code } });
    return { expiresAt: expiresAt.toISOString(), resendAvailableAt: resendAvailableAt.toISOString() };
  }

  /** Records the attempt whatever its result: the caller must commit before reporting a failure. */
  async verify(conn: DbOrTx, registrationId: string, code: string, now: Date): Promise<OtpVerification> {
    const latest = await store.latestCodeForUpdate(conn, registrationId);
    if (!latest || latest.status === 'voided' || latest.status === 'used') return { ok: false, code: 'OTP_EXPIRED' };
    if (latest.status === 'exhausted') return { ok: false, code: 'OTP_ATTEMPTS_EXCEEDED' };
    if (new Date(latest.expires_at) <= now) return { ok: false, code: 'OTP_EXPIRED' };

    const attempts = latest.attempts + 1;
    if (otpMatches(this.config.secretKey, registrationId, code, latest.code_hmac)) {
      await store.recordAttempt(conn, latest.id, attempts, 'used');
      return { ok: true };
    }
    const attemptsLeft = Math.max(0, this.config.otp.maxAttempts - attempts);
    await store.recordAttempt(conn, latest.id, attempts, attemptsLeft === 0 ? 'exhausted' : 'active');
    return { ok: false, code: 'OTP_INVALID', attemptsLeft };
  }
}
