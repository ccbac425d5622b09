// Block my Digital ID (a lost phone): every session ends and every sign-in is refused at once, in one
// transaction with the audit record and the SMS. Only staff (admin) lift the block, after an operator's
// check of the person, and that is audited too.
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import type { Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskIin } from '../platform/masking.js';
import { validateIin } from '../iin/iin.rules.js';
import { appendAudit } from '../audit/audit.store.js';
import type { CitizenPrincipal } from './session.service.js';
import * as store from './session.store.js';

export class DigitalIdBlocks {
  constructor(private readonly ctx: AppContext) {}

  async blockByCitizen(principal: CitizenPrincipal, language: Language, clientIp: string | null): Promise<void> {
    const now = new Date();
    await this.ctx.db.transaction().execute(async (trx) => {
      const profile = await store.findProfile(trx, principal.profileId, { forUpdate: true });
      if (!profile || profile.blocked_at) throw new AppError('SESSION_REQUIRED');
      await this.block(trx, profile, { sessionId: principal.sessionId, language, clientIp, now });
    });
  }

  /** Blocks the (locked, unblocked) Digital ID in `trx`: every session ends, audit record and SMS join the transaction. */
  async block(
    trx: Tx,
    profile: { id: string; iin: string; phone: string },
    by: { sessionId: string | null; language: Language; clientIp: string | null; now: Date },
  ): Promise<void> {
    await store.setProfileBlocked(trx, profile.id, by.now);
    const ended = await store.endAllSessions(trx, profile.id, 'blocked', by.now);
    await appendAudit(trx, {
      type: 'digital_id.blocked',
      actor: 'citizen',
      profileId: profile.id,
      subject: maskIin(profile.iin),
      clientIp: by.clientIp,
      details: { via: by.sessionId ? 'session' : 'sms_code', sessionId: by.sessionId, sessionsEnded: ended },
    });
    await this.ctx.sms.enqueue(trx, { phone: profile.phone, language: by.language, purpose: 'digital_id_blocked', params: {} });
  }

  /** Staff (admin): lifts the block of the Digital ID of this IIN. */
  async unblockByStaff(input: { iin: string; note: string; actor: `staff:${string}`; clientIp: string | null; language: Language }): Promise<void> {
    const check = validateIin(input.iin);
    if (!check.ok) throw new AppError(check.code);
    await this.ctx.db.transaction().execute(async (trx) => {
      const profile = await store.findProfileByIin(trx, input.iin, { forUpdate: true });
      if (!profile) throw new AppError('DIGITAL_ID_NOT_FOUND');
      if (!profile.blocked_at) throw new AppError('DIGITAL_ID_NOT_BLOCKED');
      await store.setProfileBlocked(trx, profile.id, null);
      await appendAudit(trx, {
        type: 'digital_id.unblocked',
        actor: input.actor,
        profileId: profile.id,
        subject: maskIin(profile.iin),
        clientIp: input.clientIp,
        details: { note: input.note, blockedAt: new Date(profile.blocked_at).toISOString() },
      });
      await this.ctx.sms.enqueue(trx, { phone: profile.phone, language: input.language, purpose: 'digital_id_unblocked', params: {} });
    });
  }
}
