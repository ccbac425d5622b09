// Block my Digital ID (a lost phone): every session ends and every sign-in is refused at once, in one
// transaction with the audit record and the SMS. The citizen blocks it (signed in, or with the sign-in
// code and the IIN), or — when neither is left to them, e.g. after a change of phone that was not theirs —
// staff (admin) block it at their request through the support centre. Only staff (admin) lift the block,
// after an operator's check of the person; both are audited.
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import type { Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskIin, maskIp, maskName, maskPhone } from '../platform/masking.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import { validateIin } from '../iin/iin.rules.js';
import { appendAudit } from '../audit/audit.store.js';
import type { CitizenPrincipal } from './session.service.js';
import * as store from './session.store.js';

/** A Digital ID as staff see it: masked, with its last block (when, how, from where) and last unblock. */
export interface DigitalIdForStaff {
  id: string;
  iinMasked: string;
  phoneMasked: string;
  maskedName: string | null;
  registeredAt: string;
  blockedAt: string | null;
  lastBlock: { at: string; via: 'session' | 'sms_code' | 'staff'; by: string | null; sessionsEnded: number; ipMasked: string | null } | null;
  lastUnblock: { at: string; by: string; note: string } | null;
}

const STAFF_LIST_LIMIT = 50;

/** What staff decide on: the IIN, the operator's note, who decided and from where, the SMS's language. */
type StaffDecision = { iin: string; note: string; actor: `staff:${string}`; clientIp: string | null; language: Language };
type Profile = NonNullable<Awaited<ReturnType<typeof store.findProfileByIin>>>;

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

  /**
   * Blocks the (locked, unblocked) Digital ID in `trx`: every session ends, audit record and SMS join the
   * transaction. By the citizen (in a session, or with the sign-in code: `sessionId` null) or by staff.
   */
  async block(
    trx: Tx,
    profile: { id: string; iin: string; phone: string },
    by: { sessionId: string | null; language: Language; clientIp: string | null; now: Date; staff?: { actor: `staff:${string}`; note: string } },
  ): Promise<void> {
    await store.setProfileBlocked(trx, profile.id, by.now);
    const ended = await store.endAllSessions(trx, profile.id, 'blocked', by.now);
    await appendAudit(trx, {
      type: 'digital_id.blocked',
      actor: by.staff?.actor ?? 'citizen',
      profileId: profile.id,
      subject: maskIin(profile.iin),
      clientIp: by.clientIp,
      details: by.staff
        ? { via: 'staff', sessionId: null, sessionsEnded: ended, note: by.staff.note }
        : { via: by.sessionId ? 'session' : 'sms_code', sessionId: by.sessionId, sessionsEnded: ended },
    });
    await this.ctx.sms.enqueue(trx, { phone: profile.phone, language: by.language, purpose: 'digital_id_blocked', params: {} });
  }

  /**
   * Staff (admin): the Digital ID of an IIN or a phone, or with no query the blocked ones (latest first,
   * at most 50). The look-up itself is audited, with the query masked.
   */
  async findForStaff(input: { query: string | undefined; actor: `staff:${string}`; clientIp: string | null }): Promise<DigitalIdForStaff[]> {
    const query = input.query?.trim() ?? '';
    let by: { iin: string } | { phone: string } | { blocked: true };
    let subject: string | null = null;
    if (query === '') by = { blocked: true };
    else if (/^\d{12}$/.test(query)) {
      const check = validateIin(query);
      if (!check.ok) throw new AppError(check.code);
      by = { iin: query };
      subject = maskIin(query);
    } else {
      const phone = normalizeKzMobile(query);
      if (!phone) throw new AppError('DIGITAL_ID_QUERY_INVALID');
      by = { phone };
      subject = maskPhone(phone);
    }
    const rows = await store.findDigitalIds(this.ctx.db, by, STAFF_LIST_LIMIT);
    const events = await store.blockEvents(this.ctx.db, rows.map((r) => r.id));
    const people = await Promise.all(rows.map((r) => this.ctx.registry.findPerson(r.iin)));
    await appendAudit(this.ctx.db, {
      type: 'staff.digital_ids_searched',
      actor: input.actor,
      subject,
      clientIp: input.clientIp,
      details: { by: 'iin' in by ? 'iin' : 'phone' in by ? 'phone' : 'blocked', found: rows.length },
    });
    return rows.map((row, i) => {
      const block = events.find((e) => e.profile_id === row.id && e.type === 'digital_id.blocked');
      const unblock = events.find((e) => e.profile_id === row.id && e.type === 'digital_id.unblocked');
      const person = people[i];
      return {
        id: row.id,
        iinMasked: maskIin(row.iin),
        phoneMasked: maskPhone(row.phone),
        maskedName: person ? maskName(person.firstName, person.lastName) : null,
        registeredAt: new Date(row.created_at).toISOString(),
        blockedAt: row.blocked_at ? new Date(row.blocked_at).toISOString() : null,
        lastBlock: block
          ? {
              at: new Date(block.at).toISOString(),
              via: block.details.via === 'session' ? 'session' : block.details.via === 'staff' ? 'staff' : 'sms_code',
              by: block.actor.startsWith('staff:') ? block.actor.replace(/^staff:/, '') : null,
              sessionsEnded: Number(block.details.sessionsEnded ?? 0),
              ipMasked: maskIp(block.client_ip),
            }
          : null,
        lastUnblock: unblock ? { at: new Date(unblock.at).toISOString(), by: unblock.actor.replace(/^staff:/, ''), note: String(unblock.details.note ?? '') } : null,
      };
    });
  }

  /**
   * Staff (admin): blocks the Digital ID of this IIN at the citizen's request (the support centre), e.g.
   * when its number was changed without them and neither a session nor the number's code is left to
   * them. The note says who asked and how the operator checked them.
   */
  async blockByStaff(input: StaffDecision): Promise<void> {
    await this.decideForIin(input.iin, async (trx, profile) => {
      if (profile.blocked_at) throw new AppError('DIGITAL_ID_ALREADY_BLOCKED');
      await this.block(trx, profile, { sessionId: null, language: input.language, clientIp: input.clientIp, now: new Date(), staff: { actor: input.actor, note: input.note } });
    });
  }

  /** Staff (admin): lifts the block of the Digital ID of this IIN. */
  async unblockByStaff(input: StaffDecision): Promise<void> {
    await this.decideForIin(input.iin, async (trx, profile) => {
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

  /** A staff decision on the Digital ID of an IIN: in one transaction, with its row locked. */
  private async decideForIin(iin: string, decide: (trx: Tx, profile: Profile) => Promise<void>): Promise<void> {
    const check = validateIin(iin);
    if (!check.ok) throw new AppError(check.code);
    await this.ctx.db.transaction().execute(async (trx) => {
      const profile = await store.findProfileByIin(trx, iin, { forUpdate: true });
      if (!profile) throw new AppError('DIGITAL_ID_NOT_FOUND');
      await decide(trx, profile);
    });
  }
}
