// The virtual assistant's request to link a phone to an IIN in BMG: the citizen opens a ticket on a
// registration whose phone the SMS code proved; an operator verifies the person by the service
// centre's checklist, updates the binding in the registry, and the citizen gets an SMS.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskIin, maskPhone } from '../platform/masking.js';
import { appendAudit } from '../audit/audit.store.js';
import { validateIin } from '../iin/iin.rules.js';
import { authorizeRegistration, type RegistrationRow } from '../registration/registration.service.js';
import type { IinAttempts } from '../registration/iin-attempts.service.js';
import type { StaffPrincipal } from '../staff/staff.service.js';
import { loginOf } from '../staff/staff.store.js';
import { isClaimActive, mayWorkOn } from '../staff/claim.rules.js';
import { MAX_NOTE_LENGTH, mayOpenTicket, missingChecklistItems, phoneProven, VERIFICATION_CHECKLIST, type Checklist, type TicketOutcome, type TicketStatus } from './assistant.rules.js';
import * as store from './assistant.store.js';
import { normalizeKzMobile } from '../phone/phone.rules.js';
import { phoneUsedByAnother } from '../profile/phone-change.store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the citizen sees of a ticket. */
export function describeTicketForCitizen(t: store.TicketRow) {
  return {
    id: t.id,
    status: t.status,
    phone: maskPhone(t.phone),
    iin: maskIin(t.iin),
    language: t.language,
    createdAt: t.created_at.toISOString(),
    resolvedAt: t.resolved_at ? t.resolved_at.toISOString() : null,
  };
}

type TicketWithStaff = NonNullable<Awaited<ReturnType<typeof store.findTicketWithStaff>>>;

function describeForOperator(t: TicketWithStaff, now: Date, full: boolean) {
  const claimActive = isClaimActive({ claimedBy: t.claimed_by, claimedAt: t.claimed_at }, now);
  return {
    id: t.id,
    status: t.status,
    phone: full ? t.phone : maskPhone(t.phone),
    iin: full ? t.iin : maskIin(t.iin),
    language: t.language,
    note: t.note,
    createdAt: t.created_at.toISOString(),
    claimedBy: claimActive ? t.claimed_by_login : null,
    claimedAt: claimActive && t.claimed_at ? t.claimed_at.toISOString() : null,
    resolvedBy: t.resolved_by_login,
    resolvedAt: t.resolved_at ? t.resolved_at.toISOString() : null,
    resolutionNote: t.resolution_note,
    checklist: t.checklist,
  };
}

export class AssistantService {
  constructor(
    private readonly ctx: AppContext,
    private readonly iinAttempts: IinAttempts,
  ) {}

  /** Opens a ticket, or returns the registration's open one (a second press shows the first). */
  async createTicket(
    registration: RegistrationRow,
    input: { iin: string; language: Language; note: string },
    clientIp: string,
  ): Promise<{ created: boolean; ticket: ReturnType<typeof describeTicketForCitizen> }> {
    if (!phoneProven(registration.state)) throw new AppError('TICKET_PHONE_NOT_PROVEN');
    if (!mayOpenTicket(registration.state)) throw new AppError('INVALID_STATE', { state: registration.state, expected: 'AWAITING_IIN' });
    const check = validateIin(input.iin);
    if (!check.ok) throw new AppError(check.code);
    // Only the IIN whose BMG check failed at this registration's IIN step, not any IIN at all.
    if (!(await this.iinAttempts.hadBmgMismatch(this.ctx.db, registration.id, input.iin))) throw new AppError('TICKET_IIN_NOT_CHECKED');
    const note = input.note.trim().slice(0, MAX_NOTE_LENGTH);
    const now = new Date();
    const id = randomUUID();
    const created = await this.ctx.db.transaction().execute(async (trx) => {
      const inserted = await store.insertTicket(trx, { id, registrationId: registration.id, phone: registration.phone, iin: input.iin, language: input.language, note, now });
      if (inserted) {
        await appendAudit(trx, {
          type: 'assistant.ticket_created',
          actor: 'citizen',
          registrationId: registration.id,
          subject: maskPhone(registration.phone),
          clientIp,
          details: { ticketId: id, iin: maskIin(input.iin) },
        });
      }
      return inserted;
    });
    const ticket = created ? await store.findTicket(this.ctx.db, id) : await store.findOpenTicketOfRegistration(this.ctx.db, registration.id);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND');
    return { created, ticket: describeTicketForCitizen(ticket) };
  }

  /**
   * A ticket for a change of phone, asked by the Digital ID's holder (at assurance high): the new number
   * must be one BMG does not bind to the Digital ID's IIN and no other Digital ID's. It hangs on the
   * registration that made the Digital ID, so the operator's queue, checklist (possession of the number
   * is checked at the service centre) and decision are the registration's; one open ticket at a time.
   */
  async createPhoneChangeTicket(
    profile: { id: string; iin: string; phone: string; registration_id: string },
    input: { phone: unknown; language: Language },
    clientIp: string,
  ): Promise<{ created: boolean; ticket: ReturnType<typeof describeTicketForCitizen> }> {
    const phone = normalizeKzMobile(input.phone);
    if (!phone) throw new AppError('PHONE_INVALID');
    if (phone === profile.phone) throw new AppError('PHONE_UNCHANGED');
    if (await this.ctx.registry.isPhoneBoundToIin(phone, profile.iin)) throw new AppError('TICKET_NOT_NEEDED');
    if (await phoneUsedByAnother(this.ctx.db, phone, profile.id)) throw new AppError('PHONE_IN_USE');
    const now = new Date();
    const id = randomUUID();
    const registrationId = profile.registration_id;
    const created = await this.ctx.db.transaction().execute(async (trx) => {
      const inserted = await store.insertTicket(trx, { id, registrationId, phone, iin: profile.iin, language: input.language, note: '', now });
      if (inserted) {
        await appendAudit(trx, {
          type: 'assistant.ticket_created',
          actor: 'citizen',
          registrationId,
          profileId: profile.id,
          subject: maskPhone(profile.phone),
          clientIp,
          details: { ticketId: id, iin: maskIin(profile.iin), for: 'phone_change', phone: maskPhone(phone) },
        });
      }
      return inserted;
    });
    const ticket = created ? await store.findTicket(this.ctx.db, id) : await store.findOpenTicketOfRegistration(this.ctx.db, registrationId);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND');
    return { created, ticket: describeTicketForCitizen(ticket) };
  }

  /** The ticket's status for the holder of its registration's token (a finished or idle-expired registration's too). */
  async ticketForCitizen(ticketId: string, authorization: string | undefined) {
    if (!UUID.test(ticketId)) throw new AppError('TICKET_NOT_FOUND');
    const ticket = await store.findTicket(this.ctx.db, ticketId);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND');
    try {
      await authorizeRegistration(this.ctx, ticket.registration_id, authorization, { allowFinished: true });
    } catch (err) {
      // A ticket outlives the registration's 30-minute idle window; an expired registration is
      // reported only after its token was checked, so 410 still proves the caller holds it.
      if (!(err instanceof AppError && err.code === 'REGISTRATION_EXPIRED')) throw err;
    }
    return describeTicketForCitizen(ticket);
  }

  async list(status: TicketStatus | 'all') {
    const now = new Date();
    const rows = await store.listTickets(this.ctx.db, { status, limit: 200 });
    return { tickets: rows.map((r) => describeForOperator(r, now, false)), checklist: VERIFICATION_CHECKLIST };
  }

  /** The full ticket (unmasked phone and IIN: the operator compares them with the documents); audited. */
  async view(staff: StaffPrincipal, id: string, clientIp: string) {
    const ticket = await store.findTicketWithStaff(this.ctx.db, id);
    if (!ticket) throw new AppError('TICKET_NOT_FOUND');
    await appendAudit(this.ctx.db, {
      type: 'assistant.ticket_viewed',
      actor: staff.actor,
      registrationId: ticket.registration_id,
      subject: maskPhone(ticket.phone),
      clientIp,
      details: { ticketId: id },
    });
    return { ticket: describeForOperator(ticket, new Date(), true), checklist: VERIFICATION_CHECKLIST };
  }

  async claim(staff: StaffPrincipal, id: string, clientIp: string) {
    const now = new Date();
    await this.ctx.db.transaction().execute(async (trx) => {
      const ticket = await store.findTicket(trx, id, { forUpdate: true });
      if (!ticket) throw new AppError('TICKET_NOT_FOUND');
      if (ticket.status !== 'open') throw new AppError('TICKET_ALREADY_CLOSED');
      await this.assertMayWorkOn(trx, ticket, staff, now);
      await store.claimTicket(trx, id, staff.id, now);
      await appendAudit(trx, { type: 'assistant.ticket_claimed', actor: staff.actor, registrationId: ticket.registration_id, subject: maskPhone(ticket.phone), clientIp, details: { ticketId: id } });
    });
    const ticket = await store.findTicketWithStaff(this.ctx.db, id);
    return { ticket: describeForOperator(ticket!, now, true) };
  }

  /**
   * 'bound': every checklist item ticked, the binding written in the registry, the citizen told by SMS.
   * 'declined': a note says why. The ticket is decided once, under its row lock: the binding (in the
   * same transaction with the embedded registry), the ticket's state, the SMS and the audit row commit
   * together or not at all; a concurrent or second decision waits for the lock and gets 409.
   */
  async resolve(staff: StaffPrincipal, id: string, input: { outcome: TicketOutcome; checklist: Checklist; note: string }, clientIp: string) {
    const now = new Date();
    const note = input.note.trim().slice(0, MAX_NOTE_LENGTH);
    const checklist: Checklist = Object.fromEntries(VERIFICATION_CHECKLIST.map((item) => [item, input.checklist[item] === true]));
    if (input.outcome === 'bound') {
      const missing = missingChecklistItems(checklist);
      if (missing.length > 0) throw new AppError('TICKET_CHECKLIST_INCOMPLETE', { missing });
    } else if (note === '') {
      throw new AppError('TICKET_NOTE_REQUIRED');
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      const ticket = await store.findTicket(trx, id, { forUpdate: true });
      if (!ticket) throw new AppError('TICKET_NOT_FOUND');
      if (ticket.status !== 'open') throw new AppError('TICKET_ALREADY_CLOSED');
      await this.assertMayWorkOn(trx, ticket, staff, now);
      // An http registry is called while the ticket's row is held, so no other decision can slip in;
      // if our commit then fails, the ticket stays open and binding again is harmless (idempotent).
      if (input.outcome === 'bound') await this.ctx.registry.bindPhone(ticket.phone, ticket.iin, trx);
      const closed = await store.closeTicket(trx, id, {
        status: input.outcome === 'bound' ? 'resolved' : 'declined',
        staffId: staff.id,
        checklist,
        note: note || null,
        now,
      });
      if (!closed) throw new AppError('TICKET_ALREADY_CLOSED');
      const subject = maskPhone(ticket.phone);
      if (input.outcome === 'bound') {
        await appendAudit(trx, {
          type: 'bmg.binding_updated',
          actor: staff.actor,
          registrationId: ticket.registration_id,
          subject,
          clientIp,
          details: { ticketId: id, iin: maskIin(ticket.iin), registry: this.ctx.registry.kind, checklist },
        });
        // A ticket of a Digital ID's registration was asked for a change of its phone.
        const purpose = (await store.registrationMadeDigitalId(trx, ticket.registration_id)) ? 'bmg_updated_phone_change' : 'bmg_updated';
        await this.ctx.sms.enqueue(trx, { phone: ticket.phone, language: ticket.language as Language, purpose, params: {} });
      } else {
        await appendAudit(trx, { type: 'assistant.ticket_declined', actor: staff.actor, registrationId: ticket.registration_id, subject, clientIp, details: { ticketId: id, checklist } });
      }
    });
    const closed = await store.findTicketWithStaff(this.ctx.db, id);
    return { ticket: describeForOperator(closed!, now, true) };
  }

  private async assertMayWorkOn(conn: DbOrTx, ticket: store.TicketRow, staff: StaffPrincipal, now: Date) {
    const claim = { claimedBy: ticket.claimed_by, claimedAt: ticket.claimed_at };
    if (mayWorkOn(claim, staff.id, now)) return;
    throw new AppError('TICKET_CLAIMED_BY_OTHER', { claimedBy: (await loginOf(conn, ticket.claimed_by!)) ?? '?' });
  }
}
