// Sign-in with a one-time code: phone → code (the registration's code rules, purpose `signin`, its own
// send limits) → session. A phone with no Digital ID, or a blocked one, gets the same answer after the
// same work: a sign-in row and a stored code; only its SMS differs (how to register / that it is blocked),
// so the answer tells a caller nothing about whose phone has a Digital ID.
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import { hmacSha256, randomToken } from '../platform/crypto.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskPhone } from '../platform/masking.js';
import { appendAudit } from '../audit/audit.store.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import type { OtpService, OtpTiming } from '../otp/otp.service.js';
import type { PreparedSms } from '../sms/sms.outbound.js';
import type { DbOrTx, Tx } from '../platform/db/database.js';
import { constantTimeEqual } from '../platform/crypto.js';
import { validateIin } from '../iin/iin.rules.js';
import type { DigitalIdBlocks } from './block.service.js';
import type { SessionService } from './session.service.js';
import { signinIdFor, type Assurance } from './session.rules.js';
import { hashOtp } from '../otp/otp.rules.js';
import * as store from './session.store.js';

/** The public id of a sign-in: 256 random bits, base64url. */
const HANDLE = /^[A-Za-z0-9_-]{43}$/;

const SMS_UNREGISTERED = (url: string) => ({ purpose: 'signin_unregistered', params: { url } }) as const;
const SMS_BLOCKED = { purpose: 'signin_blocked', params: {} } as const;

export class SigninService {
  constructor(
    private readonly ctx: AppContext,
    private readonly sessions: SessionService,
    private readonly otp: OtpService,
    private readonly blocks: DigitalIdBlocks,
  ) {}

  async start(input: { phone: unknown; language: Language; clientIp: string }): Promise<{ id: string; otp: OtpTiming }> {
    const phone = normalizeKzMobile(input.phone);
    if (!phone) throw new AppError('PHONE_INVALID');
    const handle = randomToken();
    const id = signinIdFor(this.ctx.config.secretKey, handle);
    const now = new Date();
    const { language } = input;
    // One round trip (signin_start): the limits, the sign-in, its code, the SMS that fits the phone's
    // Digital ID (prepared for each case: which one is known only inside the statement), the audit event.
    const code = this.otp.prepare({ signinId: id, phone, language, now, smsPurpose: 'signin_code' });
    const result = await store.startSignin(this.ctx.db, {
      id,
      handleHash: this.handleHash(handle),
      phone,
      language,
      clientIp: input.clientIp,
      now,
      expiresAt: new Date(now.getTime() + this.ctx.config.session.signinTtlSeconds * 1000),
      limits: this.otp.sendLimits('signin'),
      code,
      sms: this.smsChoices(phone, language, code.sms),
      audit: { type: 'signin.started', subject: maskPhone(phone) },
    });
    if (result.refused) throw this.otp.sendLimitError(result.refused, result.oldest, now, 'signin');
    this.ctx.sms.queued(result.sms!);
    return { id: handle, otp: code.timing };
  }

  async resend(handle: string, clientIp: string): Promise<{ otp: OtpTiming }> {
    if (!HANDLE.test(handle)) throw new AppError('SIGNIN_NOT_FOUND');
    const now = new Date();
    const handleHash = this.handleHash(handle);
    // Two round trips: the sign-in read (its phone and language, for the texts), then signin_resend:
    // under the sign-in's lock the cooldown, the limits, the new code and the SMS that fits the Digital ID.
    const signin = await store.findSignin(this.ctx.db, handleHash);
    if (!signin) throw new AppError('SIGNIN_NOT_FOUND');
    if (signin.status !== 'pending' || new Date(signin.expires_at) <= now) throw new AppError('SIGNIN_EXPIRED');
    const id = signinIdFor(this.ctx.config.secretKey, handle);
    const language = signin.language as Language;
    const code = this.otp.prepare({ signinId: id, phone: signin.phone, language, now, smsPurpose: 'signin_code' });
    const result = await store.resendSignin(this.ctx.db, {
      handleHash,
      id,
      clientIp,
      now,
      limits: this.otp.sendLimits('signin'),
      code,
      sms: this.smsChoices(signin.phone, language, code.sms),
    });
    if (result.outcome === 'refused') {
      if (result.refused === 'cooldown') throw this.otp.resendTooEarlyError(result.resendAvailableAt, now);
      throw this.otp.sendLimitError(result.refused, result.oldest, now, 'signin');
    }
    if (result.outcome !== 'ok') throw new AppError(result.outcome);
    this.ctx.sms.queued(result.sms);
    return { otp: code.timing };
  }

  /** Checks the code; on success the sign-in is finished and a session opened (cookie token returned). */
  async verify(
    handle: string,
    code: string,
    client: { clientIp: string; userAgent: string | null },
  ): Promise<{ assurance: Assurance; token: string; csrfToken: string }> {
    if (!HANDLE.test(handle)) throw new AppError('SIGNIN_NOT_FOUND');
    const now = new Date();
    const signinId = signinIdFor(this.ctx.config.secretKey, handle);
    const session = this.sessions.prepare();
    // One round trip (signin_verify): the attempt recorded whatever the result (committed before a
    // failure is reported, so wrong guesses always count), the sign-in completed and the session opened.
    const { outcome, attemptsLeft } = await store.verifySignin(this.ctx.db, {
      handleHash: this.handleHash(handle),
      signinId,
      codeHmac: hashOtp(this.ctx.config.secretKey, signinId, code),
      now,
      maxAttempts: this.ctx.config.otp.maxAttempts,
      clientIp: client.clientIp,
      session: { id: session.sessionId, tokenHash: session.tokenHash, method: 'otp', assurance: 'low', userAgent: this.sessions.userAgent(client.userAgent) },
      audit: { failed: 'signin.failed', started: 'session.started' },
    });
    if (outcome === 'OTP_INVALID') throw new AppError('OTP_INVALID', { attemptsLeft: attemptsLeft ?? 0 });
    if (outcome !== 'ok') throw new AppError(outcome);
    return { assurance: 'low', token: session.token, csrfToken: session.csrfToken };
  }

  /**
   * Block my Digital ID without a session (a lost phone whose number the citizen got back, a stolen
   * session): the sign-in's code proves the phone, the IIN must be the Digital ID's. Every session ends.
   */
  async blockWithCode(handle: string, code: string, iin: string, client: { clientIp: string; language: Language }): Promise<void> {
    const check = validateIin(iin);
    if (!check.ok) throw new AppError(check.code);
    const now = new Date();
    const outcome = await this.ctx.db.transaction().execute(async (trx) => {
      const proof = await this.proveCode(trx, handle, code, client.clientIp, now);
      if (!proof.ok) return proof;
      await store.completeSignin(trx, proof.signin.id, now);
      if (!constantTimeEqual(Buffer.from(proof.profile.iin), Buffer.from(iin))) return { ok: false as const, error: new AppError('DIGITAL_ID_IIN_MISMATCH') };
      await this.blocks.block(trx, proof.profile, { sessionId: null, language: client.language, clientIp: client.clientIp, now });
      return { ok: true as const };
    });
    if (!outcome.ok) throw outcome.error;
  }

  /**
   * The code of a pending sign-in, checked in `trx`: the attempt is recorded whatever the result and the
   * caller commits before reporting a failure, so wrong guesses always count. A right code leads to the
   * usable Digital ID of the phone, or says why there is none (only the phone's holder gets this far).
   */
  private async proveCode(trx: Tx, handle: string, code: string, clientIp: string, now: Date) {
    const signin = await this.openSignin(trx, handle, now);
    const verification = await this.otp.verify(trx, { purpose: 'signin', id: signin.id }, code, now);
    const audit = { actor: 'citizen' as const, profileId: signin.profile_id, subject: maskPhone(signin.phone), clientIp };
    if (!verification.ok) {
      await appendAudit(trx, { ...audit, type: 'signin.failed', details: { reason: verification.code } });
      return { ok: false as const, error: new AppError(verification.code, verification.code === 'OTP_INVALID' ? { attemptsLeft: verification.attemptsLeft } : undefined) };
    }
    const profile = signin.profile_id ? await store.findProfile(trx, signin.profile_id, { forUpdate: true }) : undefined;
    if (!profile) return { ok: false as const, error: new AppError('DIGITAL_ID_NOT_FOUND') };
    if (profile.blocked_at) return { ok: false as const, error: new AppError('DIGITAL_ID_BLOCKED') };
    return { ok: true as const, signin, profile };
  }

  /**
   * The citizen who just finished their registration lands signed in: the registration's token (proof of
   * the phone's code and of the video check or moderator) opens one session, within the idle timeout of
   * the completion, once.
   */
  async fromRegistration(
    registration: { id: string; state: string; completed_at: Date | null },
    client: { clientIp: string; userAgent: string | null },
  ): Promise<{ assurance: Assurance; token: string; csrfToken: string }> {
    const now = new Date();
    if (registration.state !== 'COMPLETED' || !registration.completed_at) throw new AppError('INVALID_STATE', { state: registration.state, expected: 'COMPLETED' });
    if (now.getTime() - new Date(registration.completed_at).getTime() > this.ctx.config.session.idleTimeoutSeconds * 1000) throw new AppError('SIGNIN_EXPIRED');
    const session = await this.ctx.db.transaction().execute(async (trx) => {
      const profile = await store.findProfileByRegistration(trx, registration.id);
      if (!profile) throw new AppError('DIGITAL_ID_NOT_FOUND');
      if (profile.blocked_at) throw new AppError('DIGITAL_ID_BLOCKED');
      return this.sessions.open(trx, { profileId: profile.id, assurance: 'low', method: 'registration', userAgent: client.userAgent, clientIp: client.clientIp, now, sourceRegistrationId: registration.id });
    });
    return { assurance: 'low', token: session.token, csrfToken: session.csrfToken };
  }

  /** A pending sign-in within its lifetime, locked for this transaction. */
  private async openSignin(trx: DbOrTx, handle: string, now: Date) {
    if (!HANDLE.test(handle)) throw new AppError('SIGNIN_NOT_FOUND');
    const signin = await store.findSigninForUpdate(trx, this.handleHash(handle));
    if (!signin) throw new AppError('SIGNIN_NOT_FOUND');
    if (signin.status !== 'pending' || new Date(signin.expires_at) <= now) throw new AppError('SIGNIN_EXPIRED');
    return signin;
  }

  /**
   * The code is made and stored for every phone; it is sent only to the holder of a usable Digital ID.
   * The three SMS a sign-in may send, prepared: which one is known only inside the statement.
   */
  private smsChoices(phone: string, language: Language, code: PreparedSms): { code: PreparedSms; unregistered: PreparedSms; blocked: PreparedSms } {
    return {
      code,
      unregistered: this.ctx.sms.prepare({ phone, language, ...SMS_UNREGISTERED(this.ctx.config.http.publicUrl) }),
      blocked: this.ctx.sms.prepare({ phone, language, ...SMS_BLOCKED }),
    };
  }

  private handleHash(handle: string): Buffer {
    return hmacSha256(this.ctx.config.secretKey, 'signin-handle', handle);
  }
}
