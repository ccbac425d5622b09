// Limits on what a citizen may repeat (issue 9 rows 3, 4 and 9): issuing video checks, looking IINs
// up in the registry, and using the token of a finished registration. Requests whose client address
// matters are sent from their own loopback address (127.0.0.x), so each test has its own "IP".
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { addCitizen, randomIin, verifiedRegistration } from './support/citizens.js';
import { completeRegistration } from '../src/registration/registration.service.js';

const server = useTestServer({
  OTP_SEND_LIMIT_PER_IP: '100000',
  OTP_SEND_LIMIT_PER_PHONE: '1000',
  VIDEO_CHECK_ISSUE_LIMIT_PER_REGISTRATION: '4',
  VIDEO_CHECK_ISSUE_LIMIT_PER_IP: '6',
  VIDEO_CHECK_POOL_SIZE: '1',
  IIN_ATTEMPTS_PER_PHONE_PER_DAY: '8',
  IIN_ATTEMPTS_PER_IP_PER_DAY: '9',
});

let nextAddress = 2;
/** A client address of its own on the loopback network. */
function newClientIp(): string {
  return `127.0.0.${nextAddress++}`;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** An HTTP request sent from the given local address. */
function requestFrom(ip: string, method: string, path: string, options: { token?: string; body?: unknown; language?: string } = {}): Promise<Reply> {
  const url = new URL(server.url + path);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        localAddress: ip,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.language ? { 'accept-language': options.language } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const verified = (phone?: string) => verifiedRegistration(server, phone);

async function awaitingVideoCheck() {
  const r = await verified();
  const citizen = await addCitizen(server, { phone: r.phone });
  const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: citizen.iin } });
  expect(res.status).toBe(200);
  return { ...r, iin: citizen.iin };
}

const issueFrom = (ip: string, r: { id: string; token: string }) => requestFrom(ip, 'POST', `/api/v1/registrations/${r.id}/video-checks`, { token: r.token });
const iinFrom = (ip: string, r: { id: string; token: string }, iin: string, language?: string) =>
  requestFrom(ip, 'POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin }, language });

function expectRetryAfterAbout(res: Reply, seconds: number) {
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBe(res.body.error.details.retryAfter);
  expect(retryAfter).toBeGreaterThan(seconds - 120);
  expect(retryAfter).toBeLessThanOrEqual(seconds);
}

describe(`attempt limits on ${testDbKind}`, () => {
  describe('issuing video checks', () => {
    it('limits checks per registration, abandoned ones included: the fifth within the hour gets 429 with Retry-After', async () => {
      const ip = newClientIp();
      const r = await awaitingVideoCheck();
      for (let i = 0; i < 4; i++) expect((await issueFrom(ip, r)).status).toBe(201);
      const refused = await issueFrom(ip, r);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('VIDEO_CHECK_ISSUE_LIMIT');
      expectRetryAfterAbout(refused, 3600);
      const checks = await server.ctx.db.selectFrom('video_checks').select('status').where('registration_id', '=', r.id).execute();
      expect(checks.map((c) => c.status).sort()).toEqual(['abandoned', 'abandoned', 'abandoned', 'pending']);
    });

    it('limits checks per IP across registrations, and another IP is not affected', async () => {
      const ip = newClientIp();
      const a = await awaitingVideoCheck();
      const b = await awaitingVideoCheck();
      for (let i = 0; i < 4; i++) expect((await issueFrom(ip, a)).status).toBe(201);
      for (let i = 0; i < 2; i++) expect((await issueFrom(ip, b)).status).toBe(201);
      const refused = await issueFrom(ip, b);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('VIDEO_CHECK_ISSUE_LIMIT');
      expect((await issueFrom(newClientIp(), b)).status).toBe(201);
    });
  });

  describe('the IIN step', () => {
    it('ends the registration after five IINs that led nowhere, with a localized error, audited', async () => {
      const ip = newClientIp();
      const r = await verified();
      for (let left = 4; left >= 1; left--) {
        const res = await iinFrom(ip, r, randomIin());
        expect(res.status).toBe(404);
        expect(res.body.error).toMatchObject({ code: 'PERSON_NOT_FOUND', details: { attemptsLeft: left } });
      }
      const last = await iinFrom(ip, r, randomIin(), 'kk');
      expect(last.status).toBe(429);
      expect(last.body.error.code).toBe('IIN_ATTEMPTS_EXCEEDED');
      expect(last.body.error.message).toContain('тіркеу тоқтатылды');
      const state = await server.request('GET', `/api/v1/registrations/${r.id}`, { token: r.token });
      expect(state.body).toMatchObject({ state: 'REJECTED', rejectionReason: 'IIN_ATTEMPTS_EXCEEDED' });
      // Even the right IIN is no longer looked up on this registration.
      const citizen = await addCitizen(server, { phone: r.phone });
      const after = await iinFrom(ip, r, citizen.iin, 'en');
      expect(after.status).toBe(409);
      expect(after.body.error.code).toBe('REGISTRATION_FINISHED');
      const audit = await server.ctx.db.selectFrom('audit_events').select(['type', 'subject']).where('registration_id', '=', r.id).where('type', 'like', 'iin.%').execute();
      expect(audit.map((e) => e.type).sort()).toEqual(['iin.attempts_exceeded', ...Array(5).fill('iin.not_found')]);
      expect(JSON.stringify(audit)).not.toContain(r.phone);
    });

    it('does not let ten IINs sent at once exceed the limit', async () => {
      const r = await verified();
      const results = await Promise.all(Array.from({ length: 10 }, () => iinFrom(newClientIp(), r, randomIin())));
      expect(results.filter((res) => res.status === 404).length).toBeLessThanOrEqual(4);
      expect(results.filter((res) => res.status === 429).map((res) => res.body.error.code)).toContain('IIN_ATTEMPTS_EXCEEDED');
      const looked = await server.ctx.db.selectFrom('iin_attempts').select('id').where('registration_id', '=', r.id).execute();
      expect(looked.length).toBeLessThanOrEqual(5);
    });

    it('limits lookups per phone per day across registrations, with Retry-After', async () => {
      const ip = newClientIp();
      const first = await verified();
      for (let i = 0; i < 4; i++) expect((await iinFrom(ip, first, randomIin())).status).toBe(404);
      const second = await verified(first.phone);
      for (let i = 0; i < 4; i++) expect((await iinFrom(ip, second, randomIin())).status).toBe(404);
      const refused = await iinFrom(newClientIp(), second, randomIin());
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('IIN_ATTEMPT_LIMIT');
      expectRetryAfterAbout(refused, 86_400);
    });

    it('limits lookups per IP per day; another IP is not affected', async () => {
      const ip = newClientIp();
      const regs = [await verified(), await verified(), await verified()];
      for (const [r, n] of [
        [regs[0], 4],
        [regs[1], 4],
        [regs[2], 1],
      ] as const) {
        for (let i = 0; i < n; i++) expect((await iinFrom(ip, r, randomIin())).status).toBe(404);
      }
      const refused = await iinFrom(ip, regs[2], randomIin());
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('IIN_ATTEMPT_LIMIT');
      const elsewhere = await iinFrom(newClientIp(), regs[2], randomIin());
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.error.details.attemptsLeft).toBe(3);
    });
  });

  describe('a finished registration', () => {
    async function expectUseless(r: { id: string; token: string; iin?: string }, state: string) {
      const ip = newClientIp();
      for (const [path, body] of [
        [`/api/v1/registrations/${r.id}/otp`, { code: '123456' }],
        [`/api/v1/registrations/${r.id}/otp/resend`, undefined],
        [`/api/v1/registrations/${r.id}/iin`, { iin: randomIin() }],
        [`/api/v1/registrations/${r.id}/video-checks`, undefined],
        ['/api/v1/assistant/tickets', { registrationId: r.id, iin: r.iin ?? randomIin() }],
      ] as const) {
        const res = await requestFrom(ip, 'POST', path, { token: r.token, body });
        expect(res.status, path).toBe(409);
        expect(res.body.error).toMatchObject({ code: 'REGISTRATION_FINISHED', details: { state } });
      }
      // Its token still reads the outcome.
      const read = await server.request('GET', `/api/v1/registrations/${r.id}`, { token: r.token });
      expect(read.status).toBe(200);
      expect(read.body.state).toBe(state);
      const tickets = await server.ctx.db.selectFrom('assistant_tickets').select('id').where('registration_id', '=', r.id).execute();
      expect(tickets).toEqual([]);
    }

    it('COMPLETED: its token opens no step and no BMG ticket', async () => {
      const r = await awaitingVideoCheck();
      await server.ctx.db.transaction().execute((trx) => completeRegistration(trx, r.id, 'video_check'));
      await expectUseless(r, 'COMPLETED');
    });

    it('REJECTED: its token opens no step and no BMG ticket', async () => {
      const r = await verified();
      await server.ctx.db.updateTable('registrations').set({ state: 'REJECTED', rejection_reason: 'OTHER' }).where('id', '=', r.id).execute();
      await expectUseless(r, 'REJECTED');
    });
  });
});
