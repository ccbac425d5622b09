// A citizen with a Digital ID and their browser as the API sees it: the did_session cookie and the CSRF header.
import type { TestServer } from './test-server.js';
import { addCitizen, verifiedRegistration, type TestCitizen } from './citizens.js';
import { completeRegistration } from '../../src/registration/registration.service.js';

export interface OutboxSms {
  id: string;
  body: string;
  purpose: string;
  status: string;
}

/** Messages of the dev outbox for the phone, newest first. */
export async function outbox(server: TestServer, phone: string): Promise<OutboxSms[]> {
  const res = await server.request('GET', `/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
  return res.body?.messages ?? [];
}

/** Waits for the next SMS to the phone newer than `afterId` (the queue sends in the background). */
export async function nextSms(server: TestServer, phone: string, afterId: string | undefined): Promise<OutboxSms> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const messages = await outbox(server, phone);
    const index = afterId ? messages.findIndex((m) => m.id === afterId) : messages.length;
    const newer = messages.slice(0, index < 0 ? messages.length : index).filter((m) => m.status !== 'queued');
    if (newer.length > 0) return newer[newer.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no new SMS within 20 s');
}

/** A person in the registry who finished a registration: they have a Digital ID. */
export async function citizenWithDigitalId(server: TestServer, options: { photo?: Buffer } = {}): Promise<TestCitizen & { registrationId: string; registrationToken: string }> {
  const citizen = await addCitizen(server, options);
  const registration = await verifiedRegistration(server, citizen.phone);
  const iin = await server.request('POST', `/api/v1/registrations/${registration.id}/iin`, { token: registration.token, body: { iin: citizen.iin } });
  if (iin.status !== 200) throw new Error(`iin answered ${iin.status}: ${JSON.stringify(iin.body)}`);
  await server.ctx.db.transaction().execute((trx) => completeRegistration(trx, registration.id, 'video_check'));
  return { ...citizen, registrationId: registration.id, registrationToken: registration.token };
}

export interface CitizenBrowser {
  cookie: string | null;
  csrfToken: string | null;
  userAgent: string;
  request(method: string, path: string, options?: { body?: unknown; csrf?: boolean; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
}

export function sessionCookieFrom(headers: Headers): string | null | undefined {
  const set = (headers.getSetCookie?.() ?? []).find((c) => c.startsWith('did_session='));
  if (!set) return undefined;
  const value = set.split(';')[0];
  return value === 'did_session=' ? null : value;
}

export function citizenBrowser(server: TestServer, userAgent = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'): CitizenBrowser {
  const browser: CitizenBrowser = {
    cookie: null,
    csrfToken: null,
    userAgent,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { 'user-agent': userAgent, ...(options.headers ?? {}) };
      if (browser.cookie) headers.cookie = browser.cookie;
      if (browser.csrfToken && options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = browser.csrfToken;
      const res = await server.request(method, path, { body: options.body, headers });
      const cookie = sessionCookieFrom(res.headers);
      if (cookie !== undefined) browser.cookie = cookie;
      if (typeof res.body?.csrfToken === 'string') browser.csrfToken = res.body.csrfToken;
      return res;
    },
  };
  return browser;
}

/** Signs in with the phone's SMS code in a fresh browser. */
export async function signIn(server: TestServer, phone: string, userAgent?: string): Promise<CitizenBrowser> {
  const browser = citizenBrowser(server, userAgent);
  const before = (await outbox(server, phone))[0]?.id;
  const start = await browser.request('POST', '/api/v1/sessions', { body: { phone } });
  if (start.status !== 201) throw new Error(`sign-in start answered ${start.status}: ${JSON.stringify(start.body)}`);
  const sms = await nextSms(server, phone, before);
  const code = /\b(\d{6})\b/.exec(sms.body)?.[1];
  if (sms.purpose !== 'signin_code' || !code) throw new Error(`expected a sign-in code, got ${sms.purpose}: ${sms.body}`);
  const verify = await browser.request('POST', `/api/v1/sessions/${start.body.id}/otp`, { body: { code } });
  if (verify.status !== 200) throw new Error(`the code answered ${verify.status}: ${JSON.stringify(verify.body)}`);
  return browser;
}
