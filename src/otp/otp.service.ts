// One-time codes: issue (with cooldown, send limits and voiding of the previous code) and verify
// (expiry, attempt limit, constant-time compare). Both run inside the caller's transaction; the
// decisions are otp.rules.ts's.
import { randomUUID } from 'node:crypto';
import type { Config, Language } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import type { SmsOutbound } from '../sms/sms.outbound.js';
import { codeTiming, generateOtp, hashOtp, judgeAttempt, otpMatches, resendRetryAfter, sendRetryAfter, sendWindowStart, type OtpVerification } from './otp.rules.js';
import * as store from './otp.store.js';

export interface OtpTiming {
  expiresAt: string;
  resendAvailableAt: string;
}

export type { OtpVerification };

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
      const retryAfter = resendRetryAfter(latest && { resendAvailableAt: new Date(latest.resend_available_at) }, now);
      if (retryAfter !== null) throw new AppError('OTP_RESEND_TOO_EARLY', { retryAfter }, { 'retry-after': String(retryAfter) });
    }

    const sent = await store.countSendsSince(conn, input.phone, input.clientIp, sendWindowStart(now, otp));
    const retryAfter = sendRetryAfter(sent, otp, now);
    if (retryAfter !== null) throw new AppError('OTP_SEND_LIMIT', { retryAfter }, { 'retry-after': String(retryAfter) });

    if (input.isResend) await store.voidActiveCodes(conn, input.registrationId);
    const code = generateOtp(otp.length);
    const { expiresAt, resendAvailableAt } = codeTiming(now, otp);
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
    const matches = latest !== undefined && otpMatches(this.config.secretKey, registrationId, code, latest.code_hmac);
    const attempt = judgeAttempt(latest && { status: latest.status, expiresAt: new Date(latest.expires_at), attempts: latest.attempts }, matches, this.config.otp, now);
    if (attempt.record) await store.recordAttempt(conn, latest!.id, attempt.record.attempts, attempt.record.status);
    return attempt.verification;
  }
}
