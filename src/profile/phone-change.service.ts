// Change of the Digital ID's phone, for a session at assurance `high` (a face step-up within 15 minutes):
// the new number must be bound to the citizen's IIN in BMG (else the registration's BMG_PHONE_MISMATCH,
// so the web offers the virtual assistant) and not be another Digital ID's; a code sent to it (the code
// rules of otp.rules.ts, purpose `phone_change` with its own send limits) proves it. Then, in one
// transaction: the profile's phone, the audit event, and an SMS to the old number saying it changed.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import type { Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskPhone } from '../platform/masking.js';
import { appendAudit } from '../audit/audit.store.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import type { OtpService, OtpTiming } from '../otp/otp.service.js';
import type { AssistantService } from '../assistant/assistant.service.js';
import type { CitizenPrincipal } from '../session/session.service.js';
import * as sessions from '../session/session.store.js';
import * as store from './phone-change.store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PhoneChangeService {
  constructor(
    private readonly ctx: AppContext,
    private readonly otp: OtpService,
    private readonly tickets: AssistantService,
  ) {}

  /** After BMG_PHONE_MISMATCH: the virtual assistant's ticket for binding the new number (a second request returns the open one). */
  async assistantTicket(principal: CitizenPrincipal, input: { phone: unknown; language: Language }, clientIp: string) {
    const profile = await sessions.findProfile(this.ctx.db, principal.profileId);
    if (!profile) throw new AppError('SESSION_REQUIRED');
    return this.tickets.createPhoneChangeTicket(profile, input, clientIp);
  }

  async start(principal: CitizenPrincipal, input: { phone: unknown; language: Language; clientIp: string }): Promise<{ id: string; otp: OtpTiming }> {
    const phone = normalizeKzMobile(input.phone);
    if (!phone) throw new AppError('PHONE_INVALID');
    const profile = await sessions.findProfile(this.ctx.db, principal.profileId);
    if (!profile) throw new AppError('SESSION_REQUIRED');
    if (phone === profile.phone) throw new AppError('PHONE_UNCHANGED');
    // A registry call may go over the network: before, not inside, the transaction.
    if (!(await this.ctx.registry.isPhoneBoundToIin(phone, profile.iin))) throw new AppError('BMG_PHONE_MISMATCH', { assistant: true });
    const id = randomUUID();
    const now = new Date();
    const otp = await this.ctx.db.transaction().execute(async (trx) => {
      await this.lockProfile(trx, profile.id);
      if (await store.phoneUsedByAnother(trx, phone, profile.id)) throw new AppError('PHONE_IN_USE');
      await store.voidPendingChanges(trx, profile.id);
      await store.insertPhoneChange(trx, {
        id,
        profileId: profile.id,
        sessionId: principal.sessionId,
        oldPhone: profile.phone,
        newPhone: phone,
        language: input.language,
        clientIp: input.clientIp,
        now,
        expiresAt: new Date(now.getTime() + this.ctx.config.phoneChange.ttlSeconds * 1000),
      });
      const timing = await this.otp.issue(trx, { phoneChangeId: id, phone, clientIp: input.clientIp, language: input.language, now, isResend: false, smsPurpose: 'phone_change_code' });
      await appendAudit(trx, {
        type: 'phone.change_started',
        actor: 'citizen',
        profileId: profile.id,
        subject: maskPhone(profile.phone),
        clientIp: input.clientIp,
        details: { changeId: id, newPhone: maskPhone(phone) },
      });
      return timing;
    });
    return { id, otp };
  }

  async resend(principal: CitizenPrincipal, id: string, clientIp: string): Promise<{ otp: OtpTiming }> {
    const now = new Date();
    const otp = await this.ctx.db.transaction().execute(async (trx) => {
      const change = await this.openChange(trx, principal, id, now);
      return this.otp.issue(trx, { phoneChangeId: change.id, phone: change.new_phone, clientIp, language: change.language as Language, now, isResend: true, smsPurpose: 'phone_change_code' });
    });
    return { otp };
  }

  /** The code of the new phone; a right one changes the phone. Wrong codes count whatever happens next. */
  async verify(principal: CitizenPrincipal, id: string, code: string, clientIp: string): Promise<{ phoneMasked: string }> {
    const now = new Date();
    const outcome = await this.ctx.db.transaction().execute(async (trx) => {
      const change = await this.openChange(trx, principal, id, now);
      const verification = await this.otp.verify(trx, { purpose: 'phone_change', id: change.id }, code, now);
      if (!verification.ok) {
        // Committed, so the attempt counts.
        return { ok: false as const, error: new AppError(verification.code, verification.code === 'OTP_INVALID' ? { attemptsLeft: verification.attemptsLeft } : undefined) };
      }
      const profile = await this.lockProfile(trx, principal.profileId);
      await store.lockPhoneOwnership(trx, change.new_phone);
      if (await store.phoneUsedByAnother(trx, change.new_phone, profile.id)) throw new AppError('PHONE_IN_USE');
      await store.setProfilePhone(trx, profile.id, change.new_phone);
      await store.completeChange(trx, change.id, now);
      await appendAudit(trx, {
        type: 'phone.changed',
        actor: 'citizen',
        profileId: profile.id,
        subject: maskPhone(change.new_phone),
        clientIp,
        details: { changeId: change.id, oldPhone: maskPhone(profile.phone), newPhone: maskPhone(change.new_phone) },
      });
      // The old number hears of it: if the change was not theirs, they block the Digital ID (the text says how).
      const language = change.language as Language;
      await this.ctx.sms.enqueue(trx, {
        phone: profile.phone,
        language,
        purpose: 'phone_changed',
        params: { phone: maskPhone(change.new_phone), url: this.ctx.config.supportUrls[language] },
      });
      return { ok: true as const, phoneMasked: maskPhone(change.new_phone) };
    });
    if (!outcome.ok) throw outcome.error;
    return { phoneMasked: outcome.phoneMasked };
  }

  private async lockProfile(trx: Tx, profileId: string) {
    const profile = await sessions.findProfile(trx, profileId, { forUpdate: true });
    if (!profile || profile.blocked_at) throw new AppError('SESSION_REQUIRED');
    return profile;
  }

  /** The session's own pending change within its lifetime, locked for this transaction. */
  private async openChange(trx: Tx, principal: CitizenPrincipal, id: string, now: Date) {
    const change = UUID.test(id) ? await store.findChangeForUpdate(trx, id, { profileId: principal.profileId, sessionId: principal.sessionId }) : undefined;
    if (!change) throw new AppError('PHONE_CHANGE_NOT_FOUND');
    if (change.status !== 'pending' || new Date(change.expires_at) <= now) throw new AppError('PHONE_CHANGE_EXPIRED');
    return change;
  }
}
