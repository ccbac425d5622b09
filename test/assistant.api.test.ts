import { beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { signedInStaff, type StaffClient } from './support/staff-client.js';
import { addCitizen, randomPhone, readOtpFromOutbox } from './support/citizens.js';
import { VERIFICATION_CHECKLIST } from '../src/assistant/assistant.rules.js';

let operator: StaffClient;
let otherOperator: StaffClient;
let moderator: StaffClient;

const server = useTestServer({ OTP_SEND_LIMIT_PER_IP: '100000' });
beforeAll(async () => {
  [operator, otherOperator, moderator] = [await signedInStaff(server, 'operator'), await signedInStaff(server, 'operator'), await signedInStaff(server, 'moderator')];
});

const fullChecklist = Object.fromEntries(VERIFICATION_CHECKLIST.map((item) => [item, true]));

/** A citizen whose phone is proven by the code but not bound to their IIN in BMG. */
async function citizenWithBmgMismatch() {
  const citizen = await addCitizen(server, { bindPhone: false });
  const started = await server.request('POST', '/api/v1/registrations', { body: { phone: citizen.phone, language: 'kk' } });
  expect(started.status).toBe(201);
  const { id, token } = started.body;
  const code = await readOtpFromOutbox(server, citizen.phone);
  expect((await server.request('POST', `/api/v1/registrations/${id}/otp`, { token, body: { code } })).status).toBe(200);
  const iin = await server.request('POST', `/api/v1/registrations/${id}/iin`, { token, body: { iin: citizen.iin } });
  expect(iin.body.error.code).toBe('BMG_PHONE_MISMATCH');
  return { ...citizen, registrationId: id as string, token: token as string };
}

async function openTicket(c: Awaited<ReturnType<typeof citizenWithBmgMismatch>>, note = 'Нөмірім өзгерді') {
  const res = await server.request('POST', '/api/v1/assistant/tickets', { token: c.token, body: { registrationId: c.registrationId, iin: c.iin, language: 'kk', note } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function waitForSms(phone: string, purpose: string) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await server.request('GET', `/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
    const found = (res.body.messages as Array<{ purpose: string; body: string }>).find((m) => m.purpose === purpose);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${purpose} SMS for the phone`);
}

describe(`virtual assistant BMG tickets on ${testDbKind}`, () => {
  it('turns the citizen’s request into one open ticket they can follow', async () => {
    const c = await citizenWithBmgMismatch();
    const ticket = await openTicket(c);
    expect(ticket).toMatchObject({ status: 'open', language: 'kk', phone: `${c.phone.slice(0, 5)}***${c.phone.slice(-4)}` });
    expect(ticket.iin).not.toContain(c.iin.slice(4, 10));
    const again = await server.request('POST', '/api/v1/assistant/tickets', { token: c.token, body: { registrationId: c.registrationId, iin: c.iin } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(ticket.id);
    const status = await server.request('GET', `/api/v1/assistant/tickets/${ticket.id}`, { token: c.token });
    expect(status.status).toBe(200);
    expect(status.body.status).toBe('open');
  });

  it('accepts a ticket only for a phone proven by the SMS code and a valid IIN', async () => {
    const started = await server.request('POST', '/api/v1/registrations', { body: { phone: randomPhone() } });
    const unproven = await server.request('POST', '/api/v1/assistant/tickets', { token: started.body.token, body: { registrationId: started.body.id, iin: '880312311013' } });
    expect(unproven.status).toBe(409);
    expect(unproven.body.error.code).toBe('TICKET_PHONE_NOT_PROVEN');
    const c = await citizenWithBmgMismatch();
    const badIin = await server.request('POST', '/api/v1/assistant/tickets', { token: c.token, body: { registrationId: c.registrationId, iin: '123' } });
    expect(badIin.status).toBe(422);
    expect(badIin.body.error.code).toBe('IIN_FORMAT');
    const noToken = await server.request('POST', '/api/v1/assistant/tickets', { body: { registrationId: c.registrationId, iin: c.iin } });
    expect(noToken.status).toBe(401);
  });

  it('opens a ticket only at the IIN step and only for the IIN whose BMG check failed there', async () => {
    const c = await citizenWithBmgMismatch();
    const other = await addCitizen(server, { bindPhone: false });
    const foreign = await server.request('POST', '/api/v1/assistant/tickets', { token: c.token, body: { registrationId: c.registrationId, iin: other.iin } });
    expect(foreign.status).toBe(409);
    expect(foreign.body.error.code).toBe('TICKET_IIN_NOT_CHECKED');

    // Past the IIN step the phone is bound: no ticket, for any IIN.
    const passed = await citizenWithBmgMismatch();
    await server.ctx.registry.bindPhone(passed.phone, passed.iin);
    expect((await server.request('POST', `/api/v1/registrations/${passed.registrationId}/iin`, { token: passed.token, body: { iin: passed.iin } })).status).toBe(200);
    const late = await server.request('POST', '/api/v1/assistant/tickets', { token: passed.token, body: { registrationId: passed.registrationId, iin: passed.iin } });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'INVALID_STATE', details: { state: 'AWAITING_VIDEO_CHECK' } });
    const tickets = await server.ctx.db.selectFrom('assistant_tickets').select('id').where('registration_id', 'in', [c.registrationId, passed.registrationId]).execute();
    expect(tickets).toEqual([]);
  });

  it('shows a ticket only to the holder of its registration token', async () => {
    const a = await citizenWithBmgMismatch();
    const b = await citizenWithBmgMismatch();
    const ticket = await openTicket(a);
    const foreign = await server.request('GET', `/api/v1/assistant/tickets/${ticket.id}`, { token: b.token });
    expect(foreign.status).toBe(401);
  });

  it('lets an operator verify by the checklist and bind the phone in BMG; the citizen gets an SMS and continues', async () => {
    const c = await citizenWithBmgMismatch();
    const ticket = await openTicket(c);

    const list = await operator.request('GET', '/api/v1/staff/tickets');
    expect(list.status).toBe(200);
    const listed = list.body.tickets.find((t: { id: string }) => t.id === ticket.id);
    expect(listed).toMatchObject({ status: 'open', note: 'Нөмірім өзгерді', claimedBy: null });
    expect(listed.iin).not.toBe(c.iin);

    const view = await operator.request('GET', `/api/v1/staff/tickets/${ticket.id}`);
    expect(view.body.ticket).toMatchObject({ phone: c.phone, iin: c.iin });
    expect(view.body.checklist).toEqual([...VERIFICATION_CHECKLIST]);

    expect((await operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/claim`)).status).toBe(200);
    const taken = await otherOperator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'bound', checklist: fullChecklist } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'TICKET_CLAIMED_BY_OTHER', details: { claimedBy: operator.login } });

    const incomplete = await operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, {
      body: { outcome: 'bound', checklist: { ...fullChecklist, phone_possession_confirmed: false } },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.details.missing).toEqual(['phone_possession_confirmed']);
    expect(await server.ctx.registry.isPhoneBoundToIin(c.phone, c.iin)).toBe(false);

    const done = await operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'bound', checklist: fullChecklist, note: 'ЖСК тексерілді' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.ticket).toMatchObject({ status: 'resolved', resolvedBy: operator.login, checklist: fullChecklist });
    expect(await server.ctx.registry.isPhoneBoundToIin(c.phone, c.iin)).toBe(true);

    const sms = await waitForSms(c.phone, 'bmg_updated');
    expect(sms.body).toContain('Тіркеуді жалғастыра аласыз');
    const status = await server.request('GET', `/api/v1/assistant/tickets/${ticket.id}`, { token: c.token });
    expect(status.body.status).toBe('resolved');
    const iin = await server.request('POST', `/api/v1/registrations/${c.registrationId}/iin`, { token: c.token, body: { iin: c.iin } });
    expect(iin.status, JSON.stringify(iin.body)).toBe(200);
    expect(iin.body.state).toBe('AWAITING_VIDEO_CHECK');

    const audit = await server.ctx.db.selectFrom('audit_events').selectAll().where('registration_id', '=', c.registrationId).orderBy('id').execute();
    const staffEvents = audit.filter((e) => e.actor.startsWith('staff:')).map((e) => [e.type, e.actor]);
    expect(staffEvents).toEqual([
      ['assistant.ticket_viewed', `staff:${operator.login}`],
      ['assistant.ticket_claimed', `staff:${operator.login}`],
      ['bmg.binding_updated', `staff:${operator.login}`],
    ]);
    expect(JSON.stringify(audit)).not.toContain(c.iin);
  });

  it('closes a ticket once: a second decision gets 409', async () => {
    const c = await citizenWithBmgMismatch();
    const ticket = await openTicket(c);
    const [first, second] = await Promise.all([
      operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'declined', checklist: {}, note: 'Не явился' } }),
      operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'declined', checklist: {}, note: 'Не явился' } }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect([first, second].find((r) => r.status === 409)!.body.error.code).toBe('TICKET_ALREADY_CLOSED');
  });

  it('decides a ticket once when "declined" and "bound" arrive at once: one wins, and binding, state, SMS and audit agree', async () => {
    for (let round = 0; round < 6; round++) {
      const c = await citizenWithBmgMismatch();
      const ticket = await openTicket(c);
      const requests = [
        operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'declined', checklist: {}, note: 'Не явился' } }),
        operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'bound', checklist: fullChecklist } }),
      ];
      const [declined, bound] = await Promise.all(round % 2 ? requests : [...requests].reverse()).then((r) => (round % 2 ? r : [...r].reverse()));
      expect([declined.status, bound.status].sort(), JSON.stringify([declined.body, bound.body])).toEqual([200, 409]);
      const loser = declined.status === 409 ? declined : bound;
      expect(loser.body.error.code).toBe('TICKET_ALREADY_CLOSED');
      const boundWon = bound.status === 200;

      const row = await server.ctx.db.selectFrom('assistant_tickets').select('status').where('id', '=', ticket.id).executeTakeFirstOrThrow();
      expect(row.status).toBe(boundWon ? 'resolved' : 'declined');
      expect(await server.ctx.registry.isPhoneBoundToIin(c.phone, c.iin)).toBe(boundWon);
      const sms = await server.ctx.db.selectFrom('sms_messages').select('purpose').where('phone', '=', c.phone).where('purpose', '=', 'bmg_updated').execute();
      expect(sms).toHaveLength(boundWon ? 1 : 0);
      const decisions = await server.ctx.db
        .selectFrom('audit_events')
        .select('type')
        .where('registration_id', '=', c.registrationId)
        .where('type', 'in', ['bmg.binding_updated', 'assistant.ticket_declined'])
        .execute();
      expect(decisions.map((d) => d.type)).toEqual([boundWon ? 'bmg.binding_updated' : 'assistant.ticket_declined']);
    }
  });

  it('declines only with a written reason, and sends no SMS', async () => {
    const c = await citizenWithBmgMismatch();
    const ticket = await openTicket(c);
    const noNote = await operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'declined', checklist: {} } });
    expect(noNote.status).toBe(422);
    expect(noNote.body.error.code).toBe('TICKET_NOTE_REQUIRED');
    const declined = await operator.request('POST', `/api/v1/staff/tickets/${ticket.id}/resolve`, { body: { outcome: 'declined', checklist: { identity_document_presented: false }, note: 'Документ не предъявлен' } });
    expect(declined.body.ticket.status).toBe('declined');
    const sms = await server.request('GET', `/api/v1/dev/sms?phone=${encodeURIComponent(c.phone)}`);
    expect(sms.body.messages.filter((m: { purpose: string }) => m.purpose === 'bmg_updated')).toEqual([]);
  });

  it('keeps moderators out of the tickets', async () => {
    const c = await citizenWithBmgMismatch();
    const ticket = await openTicket(c);
    for (const [method, path] of [
      ['GET', '/api/v1/staff/tickets'],
      ['GET', `/api/v1/staff/tickets/${ticket.id}`],
      ['POST', `/api/v1/staff/tickets/${ticket.id}/claim`],
      ['POST', `/api/v1/staff/tickets/${ticket.id}/resolve`],
    ] as const) {
      const res = await moderator.request(method, path, method === 'POST' ? { body: { outcome: 'bound', checklist: fullChecklist } } : {});
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('STAFF_FORBIDDEN');
    }
    const citizen = await server.request('GET', '/api/v1/staff/tickets', { token: c.token });
    expect(citizen.status).toBe(401);
  });
});
