import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { addCitizen, latestOtpMessageId, randomIin, randomPhone, readOtpFromOutbox } from './support/citizens.js';
import { completeRegistration } from '../src/registration/registration.service.js';

const server = useTestServer({ OTP_SEND_LIMIT_PER_IP: '100000' });

async function start(phone = randomPhone(), headers: Record<string, string> = {}) {
  const res = await server.request('POST', '/api/v1/registrations', { body: { phone }, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { phone, id: res.body.id as string, token: res.body.token as string, body: res.body };
}

async function startVerified(phone = randomPhone()) {
  const previous = await latestOtpMessageId(server, phone);
  const r = await start(phone);
  const code = await readOtpFromOutbox(server, phone, { after: previous });
  const res = await server.request('POST', `/api/v1/registrations/${r.id}/otp`, { token: r.token, body: { code } });
  expect(res.status).toBe(200);
  return r;
}

function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

describe(`registration API on ${testDbKind}`, () => {
  describe('starting with a phone number', () => {
    const typedForms: Array<[string, (d: string) => string]> = [
      ['+7701XXXXXXX', (d) => `+7701${d}`],
      ['8 701 XXX XX XX', (d) => `8 701 ${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5)}`],
      ['+7 (701) XXX-XX-XX', (d) => `+7 (701) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`],
      ['701XXXXXXX', (d) => `701${d}`],
    ];
    it.each(typedForms)('accepts %s and stores it as E.164', async (_form, typed) => {
      const suffix = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
      const phone = typed(suffix);
      const r = await start(phone);
      expect(r.body.state).toBe('AWAITING_OTP');
      expect(r.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const expires = Date.parse(r.body.otp.expiresAt) - Date.now();
      expect(expires).toBeGreaterThan(290_000);
      expect(expires).toBeLessThanOrEqual(300_000);
      const row = await server.ctx.db.selectFrom('registrations').select(['phone']).where('id', '=', r.id).executeTakeFirstOrThrow();
      expect(row.phone).toBe(`+7701${suffix}`);
    });

    it.each([
      ['ru', 'Введите номер мобильного телефона Казахстана'],
      ['kk', 'Қазақстандық ұялы телефон нөмірін енгізіңіз'],
      ['en', 'Enter a Kazakhstan mobile number'],
    ])('refuses a landline with PHONE_INVALID in %s', async (lang, text) => {
      const res = await server.request('POST', '/api/v1/registrations', { body: { phone: '+7 727 123 45 67' }, headers: { 'accept-language': lang } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('PHONE_INVALID');
      expect(res.body.error.message).toContain(text);
    });

    it('answers in Russian when the language is not supported', async () => {
      const res = await server.request('POST', '/api/v1/registrations', { body: { phone: '123' }, headers: { 'accept-language': 'de-DE,fr;q=0.8' } });
      expect(res.body.error.message).toContain('Введите номер');
    });

    it('sends the code by SMS: the dev outbox holds it, the database holds only its HMAC', async () => {
      const r = await start();
      const code = await readOtpFromOutbox(server, r.phone);
      expect(code).toMatch(/^\d{6}$/);
      const stored = await server.ctx.db.selectFrom('otp_codes').selectAll().where('registration_id', '=', r.id).executeTakeFirstOrThrow();
      expect(stored.code_hmac.length).toBe(32);
      expect(stored.code_hmac.toString('latin1')).not.toContain(code);
      expect(JSON.stringify(stored)).not.toContain(code);
    });

    it('limits codes per phone: the fourth start within 15 minutes gets 429 with Retry-After', async () => {
      const phone = randomPhone();
      for (let i = 0; i < 3; i++) await start(phone);
      const res = await server.request('POST', '/api/v1/registrations', { body: { phone } });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('OTP_SEND_LIMIT');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      // nothing half-written: the refused start left no registration behind
      const count = await server.ctx.db.selectFrom('registrations').select((eb) => eb.fn.countAll<string>().as('n')).where('phone', '=', phone).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(3);
    });

    it('does not let concurrent starts for one phone exceed the limit', async () => {
      const phone = randomPhone();
      const results = await Promise.all(Array.from({ length: 6 }, () => server.request('POST', '/api/v1/registrations', { body: { phone } })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      expect(results.filter((r) => r.status === 429)).toHaveLength(3);
    });
  });

  describe('the one-time code', () => {
    it('moves to AWAITING_IIN with the right code', async () => {
      const r = await startVerified();
      const res = await server.request('GET', `/api/v1/registrations/${r.id}`, { token: r.token });
      expect(res.body.state).toBe('AWAITING_IIN');
      expect(res.body.phone).not.toContain(r.phone.slice(5, 8));
    });

    it('counts wrong codes down and refuses the right one after five wrong entries', async () => {
      const r = await start();
      const code = await readOtpFromOutbox(server, r.phone);
      for (let left = 4; left >= 0; left--) {
        const res = await server.request('POST', `/api/v1/registrations/${r.id}/otp`, { token: r.token, body: { code: wrongCode(code) }, headers: { 'accept-language': 'en' } });
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({ code: 'OTP_INVALID', details: { attemptsLeft: left } });
        expect(res.body.error.message).toContain(`Attempts left: ${left}`);
      }
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/otp`, { token: r.token, body: { code } });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('OTP_ATTEMPTS_EXCEEDED');
    });

    it('refuses an expired code with 410', async () => {
      const r = await start();
      const code = await readOtpFromOutbox(server, r.phone);
      await server.ctx.db.updateTable('otp_codes').set({ expires_at: sql`now() - interval '1 second'` as any }).where('registration_id', '=', r.id).execute();
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/otp`, { token: r.token, body: { code } });
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('OTP_EXPIRED');
    });

    it('refuses a resend during the 60-second cooldown with Retry-After', async () => {
      const r = await start();
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/otp/resend`, { token: r.token });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('OTP_RESEND_TOO_EARLY');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(50);
      expect(retryAfter).toBeLessThanOrEqual(60);
    });

    it('after the cooldown sends a new code that voids the old one', async () => {
      const r = await start();
      const oldCode = await readOtpFromOutbox(server, r.phone);
      const oldMessage = await latestOtpMessageId(server, r.phone);
      await server.ctx.db.updateTable('otp_codes').set({ resend_available_at: sql`now() - interval '1 second'` as any }).where('registration_id', '=', r.id).execute();
      const resent = await server.request('POST', `/api/v1/registrations/${r.id}/otp/resend`, { token: r.token });
      expect(resent.status).toBe(200);
      expect(Date.parse(resent.body.otp.resendAvailableAt)).toBeGreaterThan(Date.now() + 50_000);
      const newCode = await readOtpFromOutbox(server, r.phone, { after: oldMessage });
      if (oldCode !== newCode) {
        const old = await server.request('POST', `/api/v1/registrations/${r.id}/otp`, { token: r.token, body: { code: oldCode } });
        expect(old.status).toBe(422);
      }
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/otp`, { token: r.token, body: { code: newCode } });
      expect(res.status).toBe(200);
      expect(res.body.state).toBe('AWAITING_IIN');
    });
  });

  describe('the IIN', () => {
    it('accepts an IIN bound to the proven phone and shows only a masked name', async () => {
      const r = await startVerified();
      const citizen = await addCitizen(server, { phone: r.phone });
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: citizen.iin } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ state: 'AWAITING_VIDEO_CHECK', person: { maskedName: 'Асқар С.' }, lockedUntil: null, attemptsLeft: 3 });
    });

    it('answers alike for a registration started before its phone keys were kept with it (migration 0023)', async () => {
      const r = await startVerified();
      await sql`update registrations set iin_attempt_phone_hash = null, lock_phone_hash = null where id = ${r.id}`.execute(server.ctx.db);
      const stranger = await addCitizen(server, { bindPhone: true });
      const mismatch = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: stranger.iin } });
      expect([mismatch.status, mismatch.body.error.code, mismatch.body.error.details.attemptsLeft]).toEqual([409, 'BMG_PHONE_MISMATCH', 4]);
      const citizen = await addCitizen(server, { phone: r.phone });
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: citizen.iin } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ state: 'AWAITING_VIDEO_CHECK', person: { maskedName: 'Асқар С.' }, lockedUntil: null, attemptsLeft: 3 });
    });

    it.each([
      ['12345', 'IIN_FORMAT'],
      ['88031231101４', 'IIN_FORMAT'],
      ['880312311014', 'IIN_CHECKSUM'],
      ['881312311013', 'IIN_DATE'],
    ])('refuses %s with %s', async (iin, code) => {
      const r = await startVerified();
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe(code);
    });

    it('answers PERSON_NOT_FOUND for a valid IIN the registry does not know', async () => {
      const r = await startVerified();
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: randomIin() } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('PERSON_NOT_FOUND');
    });

    it('answers BMG_PHONE_MISMATCH, pointing to the virtual assistant, when BMG binds the phone elsewhere', async () => {
      const r = await startVerified();
      const citizen = await addCitizen(server, { bindPhone: true });
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: citizen.iin }, headers: { 'accept-language': 'kk' } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('BMG_PHONE_MISMATCH');
      expect(res.body.error.message).toContain('Виртуалды көмекші');
      const audit = await server.ctx.db.selectFrom('audit_events').selectAll().where('registration_id', '=', r.id).where('type', '=', 'bmg.mismatch').executeTakeFirstOrThrow();
      expect(audit.subject).not.toContain(citizen.iin);
      expect(JSON.stringify(audit)).not.toContain(r.phone);
    });

    it('answers ALREADY_REGISTERED when the IIN already has a Digital ID', async () => {
      const first = await startVerified();
      const citizen = await addCitizen(server, { phone: first.phone });
      await server.request('POST', `/api/v1/registrations/${first.id}/iin`, { token: first.token, body: { iin: citizen.iin } });
      await server.ctx.db.transaction().execute((trx) => completeRegistration(trx, first.id, 'video_check'));

      const second = await startVerified(first.phone);
      const res = await server.request('POST', `/api/v1/registrations/${second.id}/iin`, { token: second.token, body: { iin: citizen.iin } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ALREADY_REGISTERED');
    });

    it.each([
      ['kk', 'басқа Digital ID'],
      ['ru', 'другом Digital ID'],
      ['en', 'another Digital ID'],
    ])('answers PHONE_IN_USE in %s at the IIN step, before any video check, when another Digital ID has the phone', async (lang, text) => {
      const first = await startVerified();
      const previous = await addCitizen(server, { phone: first.phone });
      await server.request('POST', `/api/v1/registrations/${first.id}/iin`, { token: first.token, body: { iin: previous.iin } });
      await server.ctx.db.transaction().execute((trx) => completeRegistration(trx, first.id, 'video_check'));
      // The number now belongs to someone else in BMG (an operator rebound it); the old Digital ID keeps it.
      const next = await addCitizen(server, { phone: first.phone });

      const second = await startVerified(first.phone);
      const res = await server.request('POST', `/api/v1/registrations/${second.id}/iin`, { token: second.token, body: { iin: next.iin }, headers: { 'accept-language': lang } });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'PHONE_IN_USE', details: { attemptsLeft: 4 } });
      expect(res.body.error.message).toContain(text);
      const row = await server.ctx.db.selectFrom('registrations').select(['state', 'iin']).where('id', '=', second.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'AWAITING_IIN', iin: null });
    });
  });

  describe('the registration token and state', () => {
    it('needs the bearer token for every step', async () => {
      const r = await start();
      for (const [method, path] of [
        ['GET', `/api/v1/registrations/${r.id}`],
        ['POST', `/api/v1/registrations/${r.id}/otp`],
        ['POST', `/api/v1/registrations/${r.id}/otp/resend`],
        ['POST', `/api/v1/registrations/${r.id}/iin`],
      ]) {
        const none = await server.request(method, path, { body: method === 'POST' ? { code: '123456' } : undefined });
        const wrong = await server.request(method, path, { token: 'x'.repeat(43), body: method === 'POST' ? { code: '123456' } : undefined });
        expect([none.status, wrong.status], path).toEqual([401, 401]);
      }
      const other = await start();
      const res = await server.request('GET', `/api/v1/registrations/${r.id}`, { token: other.token });
      expect(res.status).toBe(401);
    });

    it('checks the token before the body: without it a malformed, mistyped or oversized body answers 401', async () => {
      const r = await start();
      for (const step of ['otp', 'iin']) {
        const path = `/api/v1/registrations/${r.id}/${step}`;
        const bodies: Array<{ body: unknown; headers?: Record<string, string> }> = [
          { body: '{"code": ' },
          { body: { code: 123456, iin: 880312311013 } },
          { body: { code: 'x'.repeat(200_000) } },
          { body: 'code=123456', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        ];
        for (const { body, headers } of bodies) {
          const wrong = await server.request('POST', path, { token: 'x'.repeat(43), body, headers });
          expect([wrong.status, wrong.body.error.code], `${step} ${String(body).slice(0, 20)}`).toEqual([401, 'UNAUTHORIZED']);
        }
        const own = await server.request('POST', path, { token: r.token, body: '{"code": ' });
        expect([own.status, own.body.error.code], step).toEqual([400, 'MALFORMED_JSON']);
      }
    });

    it('answers INVALID_STATE for a step out of order', async () => {
      const r = await start();
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: '880312311013' } });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'INVALID_STATE', details: { state: 'AWAITING_OTP' } });
    });

    it('expires after 30 minutes idle', async () => {
      const r = await start();
      await server.ctx.db.updateTable('registrations').set({ expires_at: sql`now() - interval '1 second'` as any }).where('id', '=', r.id).execute();
      const res = await server.request('GET', `/api/v1/registrations/${r.id}`, { token: r.token });
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('REGISTRATION_EXPIRED');
    });

    it('answers 404 for an unknown registration', async () => {
      const r = await start();
      const res = await server.request('GET', `/api/v1/registrations/00000000-0000-4000-8000-000000000000`, { token: r.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('REGISTRATION_NOT_FOUND');
    });
  });

  describe('bad input never produces a 500', () => {
    const cases: Array<{ name: string; body: unknown; status: number; code: string }> = [
      { name: 'a number instead of a string', body: { phone: 77011234567 }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'a missing field', body: {}, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'null', body: { phone: null }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'an array', body: { phone: ['+77011234567'] }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'an unknown field', body: { phone: '+77011234567', admin: true }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'SQL text', body: { phone: "'; DROP TABLE registrations; --" }, status: 422, code: 'PHONE_INVALID' },
      { name: 'script text', body: { phone: '<script>alert(1)</script>' }, status: 422, code: 'PHONE_INVALID' },
      { name: 'Arabic-Indic digits', body: { phone: '+٧٧٠١١٢٣٤٥٦٧' }, status: 422, code: 'PHONE_INVALID' },
      { name: 'a 1000-character phone', body: { phone: '7'.repeat(1000) }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'a JSON array body', body: [1, 2], status: 400, code: 'VALIDATION_FAILED' },
    ];
    it.each(cases)('start with $name → $status $code', async ({ body, status, code }) => {
      const res = await server.request('POST', '/api/v1/registrations', { body });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message.length).toBeGreaterThan(5);
    });

    it('refuses malformed JSON, a huge body and a wrong content type', async () => {
      const malformed = await server.request('POST', '/api/v1/registrations', { body: '{"phone": ' });
      expect([malformed.status, malformed.body.error.code]).toEqual([400, 'MALFORMED_JSON']);
      const huge = await server.request('POST', '/api/v1/registrations', { body: { phone: 'x'.repeat(200_000) } });
      expect([huge.status, huge.body.error.code]).toEqual([413, 'BODY_TOO_LARGE']);
      const form = await server.request('POST', '/api/v1/registrations', { body: 'phone=+77011234567', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect([form.status, form.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    });

    it('refuses bad codes and IINs of every type', async () => {
      const r = await startVerified();
      for (const iin of [880312311013, null, '', ' 880312311013', '<b>880312311013</b>', "880312311013' OR '1'='1"]) {
        const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin } });
        expect(res.status, String(iin)).toBeGreaterThanOrEqual(400);
        expect(res.status, String(iin)).toBeLessThan(500);
      }
      const s = await start();
      for (const code of [123456, '12345a', '１２３４５６', 'x'.repeat(100)]) {
        const res = await server.request('POST', `/api/v1/registrations/${s.id}/otp`, { token: s.token, body: { code } });
        expect(res.status, String(code)).toBeGreaterThanOrEqual(400);
        expect(res.status, String(code)).toBeLessThan(500);
      }
    });

    it('answers 404 with a code for an id that is not a UUID', async () => {
      const r = await start();
      const res = await server.request('GET', `/api/v1/registrations/../../etc/passwd`, { token: r.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toMatch(/NOT_FOUND/);
    });
  });

  describe('service endpoints', () => {
    it('serves the OpenAPI description with every registration path', async () => {
      const res = await server.request('GET', '/api/docs/json');
      expect(res.status).toBe(200);
      for (const path of ['/api/v1/registrations', '/api/v1/registrations/{id}/otp', '/api/v1/registrations/{id}/otp/resend', '/api/v1/registrations/{id}/iin', '/api/v1/registrations/{id}']) {
        expect(Object.keys(res.body.paths)).toContain(path);
      }
    });

    it('reports health, readiness and Prometheus metrics', async () => {
      expect((await server.request('GET', '/healthz')).status).toBe(200);
      const ready = await server.request('GET', '/readyz');
      expect(ready.body).toEqual({ status: 'ready', database: testDbKind });
      const metrics = await server.request('GET', '/metrics');
      expect(metrics.body).toContain('http_requests_total');
    });
  });
});

describe(`per-IP code limit on ${testDbKind}`, () => {
  const limited = useTestServer({ OTP_SEND_LIMIT_PER_IP: '2' });

  it('refuses a third code from one address with 429 and Retry-After', async () => {
    expect((await limited.request('POST', '/api/v1/registrations', { body: { phone: randomPhone() } })).status).toBe(201);
    expect((await limited.request('POST', '/api/v1/registrations', { body: { phone: randomPhone() } })).status).toBe(201);
    const res = await limited.request('POST', '/api/v1/registrations', { body: { phone: randomPhone() } });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('OTP_SEND_LIMIT');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
