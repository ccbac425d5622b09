import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { randomPhone } from './support/citizens.js';
import { citizenBrowser, citizenWithDigitalId, nextSms, outbox, signIn } from './support/citizen-session.js';
import { signedInStaff } from './support/staff-client.js';

const server = useTestServer({ OTP_SEND_LIMIT_PER_IP: '100000', SIGNIN_SEND_LIMIT_PER_IP: '100000' });

async function startSignin(phone: string, headers: Record<string, string> = {}) {
  return server.request('POST', '/api/v1/sessions', { body: { phone }, headers });
}

/** What a caller can compare between two answers: status, the body's shape and its timings relative to now. */
function observable(res: { status: number; body: any }, sentAt: number) {
  return {
    status: res.status,
    keys: Object.keys(res.body).sort(),
    otpKeys: Object.keys(res.body.otp ?? {}).sort(),
    idShape: /^[A-Za-z0-9_-]{43}$/.test(res.body.id),
    expiresInSeconds: Math.round((Date.parse(res.body.otp.expiresAt) - sentAt) / 10_000) * 10,
    resendInSeconds: Math.round((Date.parse(res.body.otp.resendAvailableAt) - sentAt) / 10_000) * 10,
  };
}


describe(`citizen sign-in and sessions on ${testDbKind}`, () => {
  describe('sign-in with an SMS code', () => {
    it('sends a sign-in code and opens a session with an HttpOnly, Secure, SameSite=Lax cookie', async () => {
      const citizen = await citizenWithDigitalId(server);
      const before = (await outbox(server, citizen.phone))[0]?.id;
      const start = await startSignin(citizen.phone);
      expect(start.status).toBe(201);
      expect(start.body.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const sms = await nextSms(server, citizen.phone, before);
      expect(sms.purpose).toBe('signin_code');
      const code = /\b(\d{6})\b/.exec(sms.body)![1];

      const res = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.assurance).toBe('low');
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('did_session='))!;
      expect(cookie).toMatch(/^did_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Secure/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//);
      // Only an HMAC of the cookie is stored.
      const token = cookie.split(';')[0].slice('did_session='.length);
      const stored = await server.ctx.db.selectFrom('citizen_sessions').select(['token_hash']).execute();
      expect(stored.some((s) => s.token_hash.toString('base64url') === token)).toBe(false);

      const again = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code } });
      expect(again.status).toBe(410);
      expect(again.body.error.code).toBe('SIGNIN_EXPIRED');
    });

    it('answers a phone with no Digital ID exactly as one with: same status, body shape and timings; its SMS says how to register', async () => {
      const citizen = await citizenWithDigitalId(server);
      const stranger = randomPhone();
      const t1 = Date.now();
      const known = await startSignin(citizen.phone);
      const t2 = Date.now();
      const unknown = await startSignin(stranger);
      expect(observable(unknown, t2)).toEqual(observable(known, t1));
      expect(unknown.headers.get('set-cookie')).toBe(known.headers.get('set-cookie'));

      const sms = await nextSms(server, stranger, undefined);
      expect(sms.purpose).toBe('signin_unregistered');
      expect(sms.body).toContain(server.config.http.publicUrl);
      expect(sms.body).not.toMatch(/\b\d{6}\b/);

      // A wrong code is refused alike: same status, code and attempts left.
      const wrongKnown = await server.request('POST', `/api/v1/sessions/${known.body.id}/otp`, { body: { code: '000000' } });
      const wrongUnknown = await server.request('POST', `/api/v1/sessions/${unknown.body.id}/otp`, { body: { code: '000000' } });
      expect(wrongUnknown.status).toBe(wrongKnown.status);
      expect(wrongUnknown.body).toEqual(wrongKnown.body);
      expect(wrongKnown.body.error).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: 4 } });
    });

    it.each([
      ['kk', 'Код қате'],
      ['ru', 'Неверный код'],
      ['en', 'Wrong code'],
    ])('refuses a wrong code in %s and counts it; the fifth wrong code voids the sign-in', async (lang, text) => {
      const citizen = await citizenWithDigitalId(server);
      const before = (await outbox(server, citizen.phone))[0]?.id;
      const start = await startSignin(citizen.phone);
      for (let left = 4; left >= 0; left--) {
        const res = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code: '000000' }, headers: { 'accept-language': lang } });
        expect(res.status).toBe(422);
        expect(res.body.error.details.attemptsLeft).toBe(left);
        expect(res.body.error.message).toContain(text);
      }
      const code = /\b(\d{6})\b/.exec((await nextSms(server, citizen.phone, before)).body)![1];
      const late = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code } });
      expect(late.status).toBe(429);
      expect(late.body.error.code).toBe('OTP_ATTEMPTS_EXCEEDED');
    });

    it('refuses an unknown sign-in id (404) and an expired sign-in (410)', async () => {
      const unknown = await server.request('POST', `/api/v1/sessions/${'A'.repeat(43)}/otp`, { body: { code: '123456' } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('SIGNIN_NOT_FOUND');
      const bad = await server.request('POST', '/api/v1/sessions/not-a-handle/otp', { body: { code: '123456' } });
      expect(bad.body.error.code).toBe('SIGNIN_NOT_FOUND');

      const citizen = await citizenWithDigitalId(server);
      const start = await startSignin(citizen.phone);
      await server.ctx.db.updateTable('signins').set({ expires_at: sql`now() - interval '1 second'` as any }).where('phone', '=', citizen.phone).execute();
      const res = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code: '123456' } });
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('SIGNIN_EXPIRED');
    });

    it('opens one session from the registration that just completed, and only once', async () => {
      const citizen = await citizenWithDigitalId(server);
      const browser = citizenBrowser(server);
      const path = `/api/v1/sessions/registration/${citizen.registrationId}`;
      expect((await browser.request('POST', path)).status).toBe(401);
      const res = await browser.request('POST', path, { headers: { authorization: `Bearer ${citizen.registrationToken}` } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.assurance).toBe('low');
      const me = await browser.request('GET', '/api/v1/me');
      expect(me.body.lastName).toBe(citizen.lastName);
      const again = await citizenBrowser(server).request('POST', path, { headers: { authorization: `Bearer ${citizen.registrationToken}` } });
      expect(again.status).toBe(410);
      expect(again.body.error.code).toBe('SIGNIN_EXPIRED');

      // A registration completed longer ago than the idle timeout opens nothing.
      const other = await citizenWithDigitalId(server);
      await server.ctx.db.updateTable('registrations').set({ completed_at: sql`now() - make_interval(secs => ${server.config.session.idleTimeoutSeconds + 1})` as any }).where('id', '=', other.registrationId).execute();
      const late = await citizenBrowser(server).request('POST', `/api/v1/sessions/registration/${other.registrationId}`, { headers: { authorization: `Bearer ${other.registrationToken}` } });
      expect(late.status).toBe(410);
    });

    it('refuses a landline with PHONE_INVALID', async () => {
      const res = await startSignin('+7 727 123 45 67', { 'accept-language': 'en' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('PHONE_INVALID');
    });

    it('has its own send limit per phone, apart from the registration codes', async () => {
      const phone = randomPhone();
      for (let i = 0; i < 3; i++) expect((await server.request('POST', '/api/v1/registrations', { body: { phone } })).status).toBe(201);
      expect((await server.request('POST', '/api/v1/registrations', { body: { phone } })).status).toBe(429);
      for (let i = 0; i < server.config.session.sendLimitPerPhone; i++) expect((await startSignin(phone)).status).toBe(201);
      const limited = await startSignin(phone);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('OTP_SEND_LIMIT');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('sends a new code after the cooldown only; the old code then stops working', async () => {
      const citizen = await citizenWithDigitalId(server);
      const before = (await outbox(server, citizen.phone))[0]?.id;
      const start = await startSignin(citizen.phone);
      const first = await nextSms(server, citizen.phone, before);
      expect(first.purpose).toBe('signin_code');
      const early = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp/resend`);
      expect(early.status).toBe(429);
      expect(early.body.error.code).toBe('OTP_RESEND_TOO_EARLY');
      await server.ctx.db.updateTable('otp_codes').set({ resend_available_at: sql`now() - interval '1 second'` as any }).where('phone', '=', citizen.phone).where('purpose', '=', 'signin' as any).execute();
      const resent = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp/resend`);
      expect(resent.status).toBe(200);
      const second = await nextSms(server, citizen.phone, first.id);
      const oldCode = /\b(\d{6})\b/.exec(first.body)![1];
      const newCode = /\b(\d{6})\b/.exec(second.body)![1];
      if (oldCode !== newCode) {
        const old = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code: oldCode } });
        expect(old.status).toBe(422);
        expect(old.body.error.code).toBe('OTP_INVALID');
      }
      const res = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code: newCode } });
      expect(res.status).toBe(200);
    });
  });

  describe('the digital profile', () => {
    it('shows names, birth date, sex, masked IIN and phone, how the Digital ID was made, and the assurance', async () => {
      const citizen = await citizenWithDigitalId(server);
      const browser = await signIn(server, citizen.phone);
      const me = await browser.request('GET', '/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.headers.get('cache-control')).toBe('no-store');
      expect(me.body).toMatchObject({
        lastName: citizen.lastName,
        firstName: citizen.firstName,
        middleName: 'Нұрланұлы',
        iinMasked: `${citizen.iin.slice(0, 4)}******${citizen.iin.slice(-2)}`,
        phoneMasked: `${citizen.phone.slice(0, 5)}***${citizen.phone.slice(-4)}`,
        registeredBy: 'video_check',
        assurance: 'low',
      });
      expect(me.body.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(['M', 'F']).toContain(me.body.sex);
      expect(JSON.stringify(me.body)).not.toContain(citizen.iin);
      expect(Date.now() - Date.parse(me.body.registeredAt)).toBeLessThan(120_000);
    });

    it.each([
      ['kk', 'Кіру қажет'],
      ['ru', 'Нужно войти'],
      ['en', 'Please sign in'],
    ])('answers 401 SESSION_REQUIRED in %s without a session cookie', async (lang, text) => {
      for (const path of ['/api/v1/me', '/api/v1/me/sessions', '/api/v1/me/activity']) {
        const res = await server.request('GET', path, { headers: { 'accept-language': lang } });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('SESSION_REQUIRED');
        expect(res.body.error.message).toContain(text);
      }
      const forged = await server.request('GET', '/api/v1/me', { headers: { cookie: `did_session=${'x'.repeat(43)}` } });
      expect(forged.status).toBe(401);
    });

    it("lists the citizen's own activity: the registration, sign-ins, a failed code, a revoked session", async () => {
      const citizen = await citizenWithDigitalId(server);
      const other = await citizenWithDigitalId(server);
      await signIn(server, other.phone);
      const phoneBrowser = await signIn(server, citizen.phone);
      const failed = await startSignin(citizen.phone);
      await server.request('POST', `/api/v1/sessions/${failed.body.id}/otp`, { body: { code: '000000' } });
      const laptop = await signIn(server, citizen.phone);
      const sessions = (await laptop.request('GET', '/api/v1/me/sessions')).body.sessions;
      const phoneSession = sessions.find((s: any) => !s.current);
      expect((await laptop.request('DELETE', `/api/v1/me/sessions/${phoneSession.id}`)).status).toBe(204);

      const activity = await laptop.request('GET', '/api/v1/me/activity');
      expect(activity.status).toBe(200);
      const types = activity.body.events.map((e: any) => e.type);
      expect(types).toEqual(['session.revoked', 'session.started', 'signin.failed', 'session.started', 'registration.completed']);
      expect(activity.body.events[1]).toMatchObject({ method: 'otp', ipMasked: expect.stringMatching(/\*$/) });
      expect(activity.body.events[2].method).toBe('OTP_INVALID');
      void phoneBrowser;
    });
  });

  describe('sessions', () => {
    it('ends a session idle for 30 minutes, and keeps one used within them', async () => {
      const citizen = await citizenWithDigitalId(server);
      const browser = await signIn(server, citizen.phone);
      const [{ id }] = await server.ctx.db.selectFrom('citizen_sessions').select('id').where('profile_id', '=', profileIdOf(citizen.iin)).orderBy('created_at', 'desc').limit(1).execute();
      const idle = server.config.session.idleTimeoutSeconds;
      expect(idle).toBe(1800);
      await moveSession(id, { last_seen_at: idle - 30 });
      expect((await browser.request('GET', '/api/v1/me')).status).toBe(200);
      await moveSession(id, { last_seen_at: idle + 1 });
      const res = await browser.request('GET', '/api/v1/me');
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'SESSION_REQUIRED', details: { reason: 'expired' } });
      const row = await server.ctx.db.selectFrom('citizen_sessions').select(['ended_at', 'end_reason']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.end_reason).toBe('idle');
      expect((await browser.request('GET', '/api/v1/me')).status).toBe(401);
    });

    it('ends a session 12 hours after it began even when used all along', async () => {
      const citizen = await citizenWithDigitalId(server);
      const browser = await signIn(server, citizen.phone);
      const [{ id }] = await server.ctx.db.selectFrom('citizen_sessions').select('id').where('profile_id', '=', profileIdOf(citizen.iin)).execute();
      expect(server.config.session.absoluteTimeoutSeconds).toBe(12 * 3600);
      await moveSession(id, { created_at: 12 * 3600 - 60 });
      expect((await browser.request('GET', '/api/v1/me')).status).toBe(200);
      await moveSession(id, { created_at: 12 * 3600 + 1 });
      expect((await browser.request('GET', '/api/v1/me')).status).toBe(401);
      const row = await server.ctx.db.selectFrom('citizen_sessions').select(['end_reason']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.end_reason).toBe('absolute');
    });

    it('lists the open sessions with this device, browser, system and masked address, and revokes another one', async () => {
      const citizen = await citizenWithDigitalId(server);
      const phone = await signIn(server, citizen.phone);
      const laptop = await signIn(server, citizen.phone, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0');
      const list = await laptop.request('GET', '/api/v1/me/sessions');
      expect(list.status).toBe(200);
      expect(list.body.sessions).toHaveLength(2);
      const [mine, theirs] = [list.body.sessions.find((s: any) => s.current), list.body.sessions.find((s: any) => !s.current)];
      expect(mine.browser).toEqual({ name: 'Firefox', os: 'Windows' });
      expect(theirs.browser).toEqual({ name: 'Chrome', os: 'Android' });
      expect(mine.ipMasked).toBe('127.0.0.*');
      expect(mine.assurance).toBe('low');

      const revoked = await laptop.request('DELETE', `/api/v1/me/sessions/${theirs.id}`);
      expect(revoked.status).toBe(204);
      expect((await phone.request('GET', '/api/v1/me')).status).toBe(401);
      expect((await laptop.request('GET', '/api/v1/me')).status).toBe(200);
      const after = await laptop.request('GET', '/api/v1/me/sessions');
      expect(after.body.sessions.map((s: any) => s.id)).toEqual([mine.id]);

      const twice = await laptop.request('DELETE', `/api/v1/me/sessions/${theirs.id}`);
      expect(twice.status).toBe(404);
      expect(twice.body.error.code).toBe('SESSION_NOT_FOUND');
    });

    it("cannot see or revoke another citizen's session", async () => {
      const alice = await signIn(server, (await citizenWithDigitalId(server)).phone);
      const bob = await signIn(server, (await citizenWithDigitalId(server)).phone);
      const bobsSession = (await bob.request('GET', '/api/v1/me/sessions')).body.sessions[0];
      expect((await alice.request('GET', '/api/v1/me/sessions')).body.sessions.map((s: any) => s.id)).not.toContain(bobsSession.id);
      const res = await alice.request('DELETE', `/api/v1/me/sessions/${bobsSession.id}`);
      expect(res.status).toBe(404);
      expect((await bob.request('GET', '/api/v1/me')).status).toBe(200);
    });

    it('signs out of this session only, and clears the cookie', async () => {
      const citizen = await citizenWithDigitalId(server);
      const phone = await signIn(server, citizen.phone);
      const laptop = await signIn(server, citizen.phone);
      const cookie = laptop.cookie;
      const res = await laptop.request('POST', '/api/v1/sessions/logout');
      expect(res.status, JSON.stringify(res.body)).toBe(204);
      expect(laptop.cookie).toBeNull();
      expect((await server.request('GET', '/api/v1/me', { headers: { cookie: cookie! } })).status).toBe(401);
      expect((await phone.request('GET', '/api/v1/me')).status).toBe(200);
    });

    it('signs out everywhere: every session of the Digital ID ends, nobody else\'s', async () => {
      const citizen = await citizenWithDigitalId(server);
      const stranger = await signIn(server, (await citizenWithDigitalId(server)).phone);
      const browsers = [await signIn(server, citizen.phone), await signIn(server, citizen.phone), await signIn(server, citizen.phone)];
      const res = await browsers[0].request('POST', '/api/v1/sessions/logout', { body: { everywhere: true } });
      expect(res.status).toBe(204);
      for (const browser of browsers) expect((await server.request('GET', '/api/v1/me', { headers: { cookie: browser.cookie ?? '' } })).status).toBe(401);
      expect((await browsers[1].request('GET', '/api/v1/me')).status).toBe(401);
      expect((await stranger.request('GET', '/api/v1/me')).status).toBe(200);
    });

    it('refuses every state-changing call without the CSRF header, or with a wrong one, and changes nothing', async () => {
      const citizen = await citizenWithDigitalId(server);
      const phone = await signIn(server, citizen.phone);
      const laptop = await signIn(server, citizen.phone);
      const other = (await laptop.request('GET', '/api/v1/me/sessions')).body.sessions.find((s: any) => !s.current);
      const attempts: Array<[string, string, unknown]> = [
        ['DELETE', `/api/v1/me/sessions/${other.id}`, undefined],
        ['POST', '/api/v1/sessions/logout', { everywhere: true }],
        ['POST', '/api/v1/me/block', undefined],
      ];
      for (const [method, path, body] of attempts) {
        for (const headers of [{}, { 'x-csrf-token': 'forged' }, { 'x-csrf-token': phone.csrfToken! }] as Array<Record<string, string>>) {
          const res = await laptop.request(method, path, { body, csrf: false, headers: { ...headers, 'accept-language': 'en' } });
          expect(res.status, `${method} ${path}`).toBe(403);
          expect(res.body.error.code).toBe('SESSION_CSRF_FAILED');
          expect(res.body.error.message).toContain('reload the page');
        }
      }
      expect((await phone.request('GET', '/api/v1/me')).status).toBe(200);
      expect((await laptop.request('GET', '/api/v1/me/sessions')).body.sessions).toHaveLength(2);
      const profile = await server.ctx.db.selectFrom('digital_profiles').select('blocked_at').where('iin', '=', citizen.iin).executeTakeFirstOrThrow();
      expect(profile.blocked_at).toBeNull();
    });
  });

  describe('block my Digital ID', () => {
    it('blocks without a session with the sign-in code and the IIN; a wrong IIN uses up the code', async () => {
      const citizen = await citizenWithDigitalId(server);
      const browser = await signIn(server, citizen.phone);
      const codeOf = async (after: string | undefined) => /\b(\d{6})\b/.exec((await nextSms(server, citizen.phone, after)).body)![1];

      let before = (await outbox(server, citizen.phone))[0]?.id;
      const first = await startSignin(citizen.phone);
      const firstCode = await codeOf(before);
      const badIin = await server.request('POST', `/api/v1/sessions/${first.body.id}/block`, { body: { code: firstCode, iin: '123' } });
      expect(badIin.status).toBe(422);
      expect(badIin.body.error.code).toBe('IIN_FORMAT');
      const other = (await citizenWithDigitalId(server)).iin;
      const wrong = await server.request('POST', `/api/v1/sessions/${first.body.id}/block`, { body: { code: firstCode, iin: other }, headers: { 'accept-language': 'ru' } });
      expect(wrong.status).toBe(422);
      expect(wrong.body.error).toMatchObject({ code: 'DIGITAL_ID_IIN_MISMATCH', message: 'ИИН не совпадает с этим Digital ID.' });
      expect((await server.request('POST', `/api/v1/sessions/${first.body.id}/block`, { body: { code: firstCode, iin: citizen.iin } })).status).toBe(410);
      expect((await browser.request('GET', '/api/v1/me')).status).toBe(200);

      before = (await outbox(server, citizen.phone))[0]?.id;
      const second = await startSignin(citizen.phone);
      const secondCode = await codeOf(before);
      before = (await outbox(server, citizen.phone))[0]?.id;
      const blocked = await server.request('POST', `/api/v1/sessions/${second.body.id}/block`, { body: { code: secondCode, iin: citizen.iin } });
      expect(blocked.status, JSON.stringify(blocked.body)).toBe(204);
      expect((await browser.request('GET', '/api/v1/me')).status).toBe(401);
      const audit = await server.ctx.db.selectFrom('audit_events').select(['details']).where('type', '=', 'digital_id.blocked').where('subject', '=', `${citizen.iin.slice(0, 4)}******${citizen.iin.slice(-2)}`).executeTakeFirstOrThrow();
      expect(audit.details).toMatchObject({ via: 'sms_code', sessionsEnded: 1 });
      const notice = await nextSms(server, citizen.phone, before);
      expect(notice.purpose).toBe('digital_id_blocked');
      await startSignin(citizen.phone);
      expect((await nextSms(server, citizen.phone, notice.id)).purpose).toBe('signin_blocked');
    });

    it('refuses the right code of a sign-in started before the block (403 DIGITAL_ID_BLOCKED)', async () => {
      const citizen = await citizenWithDigitalId(server);
      const browser = await signIn(server, citizen.phone);
      const before = (await outbox(server, citizen.phone))[0]?.id;
      const start = await startSignin(citizen.phone);
      const code = /\b(\d{6})\b/.exec((await nextSms(server, citizen.phone, before)).body)![1];
      expect((await browser.request('POST', '/api/v1/me/block')).status).toBe(204);
      const res = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code }, headers: { 'accept-language': 'kk' } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('DIGITAL_ID_BLOCKED');
      expect(res.body.error.message).toContain('бұғатталған');
      expect(res.headers.getSetCookie()).toEqual([]);
    });


    it('ends every session and refuses every sign-in at once; an admin unblocks it after a check, audited', async () => {
      const citizen = await citizenWithDigitalId(server);
      const phone = await signIn(server, citizen.phone);
      const laptop = await signIn(server, citizen.phone);
      const before = (await outbox(server, citizen.phone))[0]?.id;

      const blocked = await laptop.request('POST', '/api/v1/me/block', { headers: { 'accept-language': 'en' } });
      expect(blocked.status).toBe(204);
      expect(laptop.cookie).toBeNull();
      expect((await phone.request('GET', '/api/v1/me')).status).toBe(401);
      const notice = await nextSms(server, citizen.phone, before);
      expect(notice.purpose).toBe('digital_id_blocked');

      // Sign-in answers as for anyone; the SMS says the Digital ID is blocked and carries no code.
      const t1 = Date.now();
      const start = await startSignin(citizen.phone);
      const t2 = Date.now();
      const stranger = await startSignin(randomPhone());
      expect(observable(start, t1)).toEqual(observable(stranger, t2));
      const sms = await nextSms(server, citizen.phone, notice.id);
      expect(sms.purpose).toBe('signin_blocked');
      expect(sms.body).not.toMatch(/\b\d{6}\b/);
      // No code was sent, so only a guess is left, and it is refused like any wrong code.
      const guess = await server.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code: '000000' } });
      expect(guess.status).toBe(422);

      const moderator = await signedInStaff(server, 'moderator');
      expect((await moderator.request('POST', '/api/v1/staff/digital-ids/unblock', { body: { iin: citizen.iin, note: 'ID card checked at the service centre' } })).status).toBe(403);
      const admin = await signedInStaff(server, 'admin');
      const unblocked = await admin.request('POST', '/api/v1/staff/digital-ids/unblock', { body: { iin: citizen.iin, note: 'ID card checked at the service centre' } });
      expect(unblocked.status, JSON.stringify(unblocked.body)).toBe(204);
      const again = await admin.request('POST', '/api/v1/staff/digital-ids/unblock', { body: { iin: citizen.iin, note: 'twice' } });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('DIGITAL_ID_NOT_BLOCKED');

      const audit = await server.ctx.db
        .selectFrom('audit_events')
        .select(['type', 'actor', 'details'])
        .where('type', 'in', ['digital_id.blocked', 'digital_id.unblocked'])
        .where('subject', '=', `${citizen.iin.slice(0, 4)}******${citizen.iin.slice(-2)}`)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => [a.type, a.actor])).toEqual([
        ['digital_id.blocked', 'citizen'],
        ['digital_id.unblocked', `staff:${admin.login}`],
      ]);
      expect(audit[0].details).toMatchObject({ via: 'session', sessionsEnded: 2 });
      expect(audit[1].details).toMatchObject({ note: 'ID card checked at the service centre' });

      const back = await signIn(server, citizen.phone);
      expect((await back.request('GET', '/api/v1/me')).status).toBe(200);
      const activity = (await back.request('GET', '/api/v1/me/activity')).body.events.map((e: any) => e.type);
      expect(activity.slice(0, 4)).toEqual(['session.started', 'digital_id.unblocked', 'signin.failed', 'digital_id.blocked']);
    });
  });
});

function profileIdOf(iin: string): any {
  return server.ctx.db.selectFrom('digital_profiles').select('id').where('iin', '=', iin);
}

/** Moves a session's timestamps back by the given seconds, as if that much time had passed. */
async function moveSession(id: string, ago: { last_seen_at?: number; created_at?: number }) {
  for (const [column, seconds] of Object.entries(ago) as Array<['last_seen_at' | 'created_at', number]>) {
    await server.ctx.db
      .updateTable('citizen_sessions')
      .set({ [column]: sql`now() - make_interval(secs => ${seconds})` } as any)
      .where('id', '=', id)
      .execute();
  }
}
