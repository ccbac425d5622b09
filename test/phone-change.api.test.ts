// Change of the Digital ID's phone over HTTP: only at assurance high (a face step-up; here the session
// is put at high by moving its stored time, the step-up itself is test/step-up.api.test.ts), the new
// number bound to the IIN in BMG and nobody else's, proved by a code; the old number hears of it.
import { describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { randomPhone } from './support/citizens.js';
import { citizenWithDigitalId, nextSms, outbox, signIn, type CitizenBrowser } from './support/citizen-session.js';
import { signedInStaff } from './support/staff-client.js';
import { VERIFICATION_CHECKLIST } from '../src/assistant/assistant.rules.js';

const server = useTestServer({ OTP_SEND_LIMIT_PER_IP: '100000', SIGNIN_SEND_LIMIT_PER_IP: '100000', PHONE_CHANGE_SEND_LIMIT_PER_IP: '100000' });

async function signedInCitizen() {
  const citizen = await citizenWithDigitalId(server);
  const browser = await signIn(server, citizen.phone);
  await browser.request('GET', '/api/v1/me');
  const profile = await server.ctx.db.selectFrom('digital_profiles').select('id').where('iin', '=', citizen.iin).executeTakeFirstOrThrow();
  return { ...citizen, browser, profileId: profile.id };
}

/** As a passed face step-up leaves it: the citizen's open sessions at high for the next 15 minutes. */
async function atHigh(profileId: string) {
  await server.ctx.db
    .updateTable('citizen_sessions')
    .set({ high_assurance_until: new Date(Date.now() + 15 * 60_000) })
    .where('profile_id', '=', profileId)
    .where('ended_at', 'is', null)
    .execute();
}

async function steppedUpCitizen() {
  const c = await signedInCitizen();
  await atHigh(c.profileId);
  expect((await c.browser.request('GET', '/api/v1/me')).body.assurance).toBe('high');
  return c;
}

/** Starts a change to a new number BMG binds to the citizen's IIN; returns the change and its code. */
async function startChange(c: { browser: CitizenBrowser; iin: string }, newPhone = randomPhone(), language?: string) {
  await server.ctx.registry.bindPhone(newPhone, c.iin);
  const before = (await outbox(server, newPhone))[0]?.id;
  const res = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: newPhone, ...(language ? { language } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const sms = await nextSms(server, newPhone, before);
  expect(sms.purpose).toBe('phone_change_code');
  const code = /\b(\d{6})\b/.exec(sms.body)![1];
  return { id: res.body.id as string, otp: res.body.otp, code, newPhone };
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe(`change of phone on ${testDbKind}`, () => {
  it('needs assurance high: 403 STEP_UP_REQUIRED {required: high} in kk, ru and en; the full IIN only at high', async () => {
    const c = await signedInCitizen();
    const newPhone = randomPhone();
    await server.ctx.registry.bindPhone(newPhone, c.iin);
    const messages = new Set<string>();
    for (const language of ['kk', 'ru', 'en']) {
      const res = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: newPhone }, headers: { 'accept-language': language } });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'STEP_UP_REQUIRED', details: { required: 'high' } });
      messages.add(res.body.error.message);
    }
    expect(messages.size).toBe(3);
    expect((await outbox(server, newPhone)).length).toBe(0);
    const me = await c.browser.request('GET', '/api/v1/me');
    expect(me.body.assurance).toBe('low');
    expect(me.body).not.toHaveProperty('iin');

    // At high the change starts; once high has run out, the code is refused the same way.
    await atHigh(c.profileId);
    expect((await c.browser.request('GET', '/api/v1/me')).body.iin).toBe(c.iin);
    const change = await startChange(c, newPhone);
    await server.ctx.db.updateTable('citizen_sessions').set({ high_assurance_until: new Date(Date.now() - 1000) }).where('profile_id', '=', c.profileId).execute();
    const late = await c.browser.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: change.code } });
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe('STEP_UP_REQUIRED');
  });

  it('needs a session and the CSRF header', async () => {
    expect((await server.request('POST', '/api/v1/me/phone', { body: { phone: randomPhone() } })).status).toBe(401);
    const c = await steppedUpCitizen();
    const res = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: randomPhone() }, csrf: false });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('SESSION_CSRF_FAILED');
  });

  it("refuses a number BMG does not bind to the citizen's IIN with the registration's BMG error (the assistant can bind it)", async () => {
    const c = await steppedUpCitizen();
    const unbound = randomPhone();
    const res = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: unbound } });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'BMG_PHONE_MISMATCH', details: { assistant: true } });
    expect(await outbox(server, unbound)).toEqual([]);
  });

  it('asks the virtual assistant to bind the refused number: one open ticket, an operator binds it, the new number hears of it and the change goes through', async () => {
    const c = await steppedUpCitizen();
    const unbound = randomPhone();
    expect((await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: unbound } })).body.error.code).toBe('BMG_PHONE_MISMATCH');
    const opened = await c.browser.request('POST', '/api/v1/me/phone/assistant-ticket', { body: { phone: unbound, language: 'kk' } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', phone: `${unbound.slice(0, 5)}***${unbound.slice(-4)}` });
    // A second press shows the open ticket.
    const again = await c.browser.request('POST', '/api/v1/me/phone/assistant-ticket', { body: { phone: unbound } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(opened.body.id);
    expect((await c.browser.request('GET', '/api/v1/me/activity')).body.events.map((e: { type: string }) => e.type)).toContain('assistant.ticket_created');

    const operator = await signedInStaff(server, 'operator');
    const view = await operator.request('GET', `/api/v1/staff/tickets/${opened.body.id}`);
    expect(view.body.ticket).toMatchObject({ phone: unbound, iin: c.iin });
    const checklist = Object.fromEntries(VERIFICATION_CHECKLIST.map((item) => [item, true]));
    const done = await operator.request('POST', `/api/v1/staff/tickets/${opened.body.id}/resolve`, { body: { outcome: 'bound', checklist } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const told = await nextSms(server, unbound, undefined);
    expect(told).toMatchObject({ purpose: 'bmg_updated_phone_change' });
    expect(told.body).toContain('Digital ID нөмірін ауыстыра аласыз');
    // Bound now: no ticket is needed, and the change starts.
    const needless = await c.browser.request('POST', '/api/v1/me/phone/assistant-ticket', { body: { phone: unbound } });
    expect(needless.status).toBe(409);
    expect(needless.body.error.code).toBe('TICKET_NOT_NEEDED');
    expect((await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: unbound } })).status).toBe(201);
  });

  it('opens an assistant ticket only at high, for a valid new number nobody else uses', async () => {
    const low = await signedInCitizen();
    const refused = await low.browser.request('POST', '/api/v1/me/phone/assistant-ticket', { body: { phone: randomPhone() } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('STEP_UP_REQUIRED');
    const c = await steppedUpCitizen();
    const other = await signedInCitizen();
    for (const [phone, code] of [
      ['12345', 'PHONE_INVALID'],
      [c.phone, 'PHONE_UNCHANGED'],
      [other.phone, 'PHONE_IN_USE'],
    ]) {
      const res = await c.browser.request('POST', '/api/v1/me/phone/assistant-ticket', { body: { phone } });
      expect(res.body.error?.code, phone).toBe(code);
    }
    expect(await server.ctx.db.selectFrom('assistant_tickets').select('id').where('iin', '=', c.iin).execute()).toEqual([]);
  });

  it('refuses an invalid number, the current one, and one another Digital ID uses', async () => {
    const c = await steppedUpCitizen();
    const invalid = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: '+1 555 0100' } });
    expect(invalid.body.error.code).toBe('PHONE_INVALID');
    const same = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: c.phone } });
    expect(same.status).toBe(422);
    expect(same.body.error.code).toBe('PHONE_UNCHANGED');
    const other = await citizenWithDigitalId(server);
    await server.ctx.registry.bindPhone(other.phone, c.iin);
    const taken = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: other.phone } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('PHONE_IN_USE');
  });

  it('changes the phone with the right code: the old number gets an SMS, the activity shows it, sign-in moves to the new number', async () => {
    const c = await steppedUpCitizen();
    const change = await startChange(c);
    expect(Date.parse(change.otp.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    const bad = await c.browser.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: wrong(change.code) } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: 4 } });

    const beforeOld = (await outbox(server, c.phone))[0]?.id;
    const ok = await c.browser.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: change.code } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.phoneMasked).toBe(`${change.newPhone.slice(0, 5)}***${change.newPhone.slice(-4)}`);
    const profile = await server.ctx.db.selectFrom('digital_profiles').select('phone').where('id', '=', c.profileId).executeTakeFirstOrThrow();
    expect(profile.phone).toBe(change.newPhone);
    const notice = await nextSms(server, c.phone, beforeOld);
    expect(notice.purpose).toBe('phone_changed');
    expect(notice.body).toContain(ok.body.phoneMasked);
    expect(notice.body).not.toContain(change.newPhone);
    expect((await c.browser.request('GET', '/api/v1/me')).body.phoneMasked).toBe(ok.body.phoneMasked);
    const activity = await c.browser.request('GET', '/api/v1/me/activity');
    expect(activity.body.events[0].type).toBe('phone.changed');
    // The change is used once.
    const again = await c.browser.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: change.code } });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('PHONE_CHANGE_EXPIRED');
    // Sign-in now goes to the new number; the old one has no Digital ID.
    expect((await (await signIn(server, change.newPhone)).request('GET', '/api/v1/me')).status).toBe(200);
    const beforeSignin = (await outbox(server, c.phone))[0]?.id;
    await server.request('POST', '/api/v1/sessions', { body: { phone: c.phone } });
    expect((await nextSms(server, c.phone, beforeSignin)).purpose).toBe('signin_unregistered');
  });

  it.each([
    ['kk', 'бұғаттаңыз', 'қолдау орталығына'],
    ['ru', 'заблокируйте Digital ID', 'центр поддержки'],
    ['en', 'block your Digital ID', 'support centre'],
  ])('tells the old number in %s what to do if the change was not theirs: block the Digital ID, or the support centre', async (language, block, support) => {
    const c = await steppedUpCitizen();
    const change = await startChange(c, randomPhone(), language);
    const beforeOld = (await outbox(server, c.phone))[0]?.id;
    const ok = await c.browser.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: change.code } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const notice = await nextSms(server, c.phone, beforeOld);
    expect(notice.purpose).toBe('phone_changed');
    expect(notice.body).toContain(block);
    expect(notice.body).toContain(support);
    expect(notice.body).toContain(server.config.supportUrls[language as 'kk' | 'ru' | 'en']);
  });

  it('limits wrong codes as for every code: after 5 the right one no longer works; the change belongs to its session', async () => {
    const c = await steppedUpCitizen();
    const change = await startChange(c);
    const other = await signIn(server, c.phone);
    await atHigh(c.profileId);
    const foreign = await other.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: change.code } });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('PHONE_CHANGE_NOT_FOUND');
    for (let left = 4; left >= 0; left--) {
      const res = await c.browser.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: wrong(change.code) } });
      expect(res.body.error).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: left } });
    }
    const right = await c.browser.request('POST', `/api/v1/me/phone/${change.id}/otp`, { body: { code: change.code } });
    expect(right.body.error.code).toBe('OTP_ATTEMPTS_EXCEEDED');
    const profile = await server.ctx.db.selectFrom('digital_profiles').select('phone').where('id', '=', c.profileId).executeTakeFirstOrThrow();
    expect(profile.phone).toBe(c.phone);
  });

  it('has its own send limits: 3 codes per new number in 15 minutes, then 429 with Retry-After', async () => {
    const c = await steppedUpCitizen();
    const newPhone = randomPhone();
    await server.ctx.registry.bindPhone(newPhone, c.iin);
    for (let i = 0; i < 3; i++) expect((await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: newPhone } })).status).toBe(201);
    const limited = await c.browser.request('POST', '/api/v1/me/phone', { body: { phone: newPhone } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('OTP_SEND_LIMIT');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
