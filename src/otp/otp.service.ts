// One-time codes: issue (with cooldown, send limits and voiding of the previous code) and verify
// (expiry, attempt limit, constant-time compare). Both run inside the caller's transaction; the
// decisions are otp.rules.ts's.
import { randomUUID } from 'node:crypto';
import type { Config, Language } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import type { PreparedSms, SmsOutbound } from '../sms/sms.outbound.js';
import { limitRetryAfter } from '../platform/limits.rules.js';
import { codeTiming, generateOtp, hashOtp, judgeAttempt, otpMatches, resendRetryAfter, sendRetryAfter, sendWindowStart, type OtpRules, type OtpVerification } from './otp.rules.js';
import * as store from './otp.store.js';
import type { OtpOwner } from './otp.store.js';

export type { OtpOwner };

/** The code's owner: a registration (by its id), a sign-in or a change of phone. */
type OwnerInput =
  | { registrationId: string; signinId?: never; phoneChangeId?: never }
  | { signinId: string; registrationId?: never; phoneChangeId?: never }
  | { phoneChangeId: string; registrationId?: never; signinId?: never };

function ownerOf(input: OwnerInput | string | OtpOwner): OtpOwner {
  if (typeof input === 'string') return { purpose: 'registration', id: input };
  if ('purpose' in input) return input;
  if (input.signinId !== undefined) return { purpose: 'signin', id: input.signinId };
  if (input.phoneChangeId !== undefined) return { purpose: 'phone_change', id: input.phoneChangeId };
  return { purpose: 'registration', id: input.registrationId };
}

export interface OtpTiming {
  expiresAt: string;
  resendAvailableAt: string;
}

export type { OtpVerification };

/** A code ready for a step's own statement to store (with its SMS) in the same round trip. */
export interface PreparedOtp {
  id: string;
  codeHmac: Buffer;
  expiresAt: Date;
  resendAvailableAt: Date;
  /** Sends counted against the limits are those made after this. */
  windowStart: Date;
  sms: PreparedSms;
  timing: OtpTiming;
}

export class OtpService {
  constructor(
    private readonly config: Config,
    private readonly sms: SmsOutbound,
  ) {}

  async issue(
    conn: DbOrTx,
    input: OwnerInput & {
      phone: string;
      clientIp: string;
      language: Language;
      now: Date;
      isResend: boolean;
      /** The SMS purpose carrying the code (default `otp`). */
      smsPurpose?: 'otp' | 'signin_code' | 'phone_change_code';
    },
  ): Promise<OtpTiming> {
    const { otp } = this.config;
    const { now } = input;
    const owner = ownerOf(input);
    const limits = this.limitsOf(owner.purpose);
    await store.lockPhone(conn, input.phone);

    if (input.isResend) {
      const latest = await store.latestCodeForUpdate(conn, owner);
      const retryAfter = resendRetryAfter(latest && { resendAvailableAt: new Date(latest.resend_available_at) }, now);
      if (retryAfter !== null) throw new AppError('OTP_RESEND_TOO_EARLY', { retryAfter }, { 'retry-after': String(retryAfter) });
    }

    const sent = await store.countSendsSince(conn, owner.purpose, input.phone, input.clientIp, sendWindowStart(now, limits));
    const retryAfter = sendRetryAfter(sent, limits, now);
    if (retryAfter !== null) throw new AppError('OTP_SEND_LIMIT', { retryAfter }, { 'retry-after': String(retryAfter) });

    if (input.isResend) await store.voidActiveCodes(conn, owner);
    const code = generateOtp(otp.length);
    const { expiresAt, resendAvailableAt } = codeTiming(now, otp);
    await store.insertCode(conn, {
      id: randomUUID(),
      owner,
      phone: input.phone,
      clientIp: input.clientIp,
      codeHmac: hashOtp(this.config.secretKey, owner.id, code),
      createdAt: now,
      expiresAt,
      resendAvailableAt,
    });
    await this.sms.enqueue(conn, { phone: input.phone, language: input.language, purpose: input.smsPurpose ?? 'otp', params: { code } });
    return { expiresAt: expiresAt.toISOString(), resendAvailableAt: resendAvailableAt.toISOString() };
  }

  /**
   * A new code with its SMS, for a step that writes both in its own statement (the owner's send
   * limits count from `windowStart`).
   */
  prepare(
    input: OwnerInput & { phone: string; language: Language; now: Date; smsPurpose?: 'otp' | 'signin_code' | 'phone_change_code' },
  ): PreparedOtp {
    const { otp } = this.config;
    const { now } = input;
    const owner = ownerOf(input);
    const code = generateOtp(otp.length);
    const { expiresAt, resendAvailableAt } = codeTiming(now, otp);
    return {
      id: randomUUID(),
      codeHmac: hashOtp(this.config.secretKey, owner.id, code),
      expiresAt,
      resendAvailableAt,
      windowStart: sendWindowStart(now, this.limitsOf(owner.purpose)),
      sms: this.sms.prepare({ phone: input.phone, language: input.language, purpose: input.smsPurpose ?? 'otp', params: { code } }),
      timing: { expiresAt: expiresAt.toISOString(), resendAvailableAt: resendAvailableAt.toISOString() },
    };
  }

  /** The send limits of codes of `purpose` (each purpose counts its own). */
  sendLimits(purpose: OtpOwner['purpose'] = 'registration'): { phone: number; ip: number } {
    const limits = this.limitsOf(purpose);
    return { phone: limits.sendLimitPerPhone, ip: limits.sendLimitPerIp };
  }

  /** 429 OTP_SEND_LIMIT for a send the database refused at `limit` (its oldest send counted: `oldest`). */
  sendLimitError(limit: 'phone' | 'ip', oldest: Date | null, now: Date, purpose: OtpOwner['purpose'] = 'registration'): AppError {
    const limits = this.limitsOf(purpose);
    const used = { count: limit === 'phone' ? limits.sendLimitPerPhone : limits.sendLimitPerIp, oldest };
    const retryAfter = limitRetryAfter([{ used, limit: used.count }], limits.sendLimitWindowSeconds, now)!;
    return new AppError('OTP_SEND_LIMIT', { retryAfter }, { 'retry-after': String(retryAfter) });
  }

  /** 429 OTP_RESEND_TOO_EARLY for a resend the database refused during the latest code's cooldown. */
  resendTooEarlyError(resendAvailableAt: Date | null, now: Date): AppError {
    const retryAfter = resendRetryAfter(resendAvailableAt ? { resendAvailableAt } : undefined, now) ?? 1;
    return new AppError('OTP_RESEND_TOO_EARLY', { retryAfter }, { 'retry-after': String(retryAfter) });
  }

  private limitsOf(purpose: OtpOwner['purpose']): Pick<OtpRules, 'sendLimitPerPhone' | 'sendLimitPerIp' | 'sendLimitWindowSeconds'> {
    return purpose === 'signin' ? this.config.session : purpose === 'phone_change' ? this.config.phoneChange : this.config.otp;
  }

  /** Records the attempt whatever its result: the caller must commit before reporting a failure. */
  async verify(conn: DbOrTx, ownerOrRegistrationId: string | OtpOwner, code: string, now: Date): Promise<OtpVerification> {
    const owner = ownerOf(ownerOrRegistrationId);
    const latest = await store.latestCodeForUpdate(conn, owner);
    const matches = latest !== undefined && otpMatches(this.config.secretKey, owner.id, code, latest.code_hmac);
    const attempt = judgeAttempt(latest && { status: latest.status, expiresAt: new Date(latest.expires_at), attempts: latest.attempts }, matches, this.config.otp, now);
    if (attempt.record) await store.recordAttempt(conn, latest!.id, attempt.record.attempts, attempt.record.status);
    return attempt.verification;
  }
}
