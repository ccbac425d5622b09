// A staff member's browser, reduced to what the API sees: the session cookie and the CSRF header.
import { randomBytes } from 'node:crypto';
import { StaffService } from '../../src/staff/staff.service.js';
import type { StaffRole } from '../../src/staff/staff.rules.js';
import type { TestServer } from './test-server.js';

export interface StaffClient {
  login: string;
  password: string;
  cookie: string | null;
  csrfToken: string | null;
  request(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; csrf?: boolean }): Promise<{ status: number; headers: Headers; body: any }>;
}

export async function createStaffAccount(server: TestServer, role: StaffRole, login = `${role}.${randomBytes(4).toString('hex')}`) {
  return new StaffService(server.ctx.db, server.config).createAccount(login, role);
}

/** The code the staff member's authenticator shows `stepOffset` 30-second steps from now. */
export async function totpCode(server: TestServer, login: string, stepOffset = 0): Promise<string> {
  return new StaffService(server.ctx.db, server.config).currentTotp(login, new Date(Date.now() + stepOffset * 30_000));
}

export function sessionCookieFrom(headers: Headers): string | null {
  const setCookie = headers.getSetCookie?.() ?? [];
  const first = setCookie.find((c) => c.startsWith('digitalid_staff='));
  return first ? first.split(';')[0] : null;
}

export function staffClient(server: TestServer, login: string, password: string): StaffClient {
  const client: StaffClient = {
    login,
    password,
    cookie: null,
    csrfToken: null,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (client.cookie) headers.cookie = client.cookie;
      if (client.csrfToken && options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = client.csrfToken;
      const res = await server.request(method, path, { body: options.body, headers });
      const cookie = sessionCookieFrom(res.headers);
      if (cookie) client.cookie = cookie;
      if (res.body?.csrfToken) client.csrfToken = res.body.csrfToken;
      return res;
    },
  };
  return client;
}

/** Creates an account, signs in with the one-time password and TOTP, and sets a real password. */
export async function signedInStaff(server: TestServer, role: StaffRole): Promise<StaffClient> {
  const account = await createStaffAccount(server, role);
  const client = staffClient(server, account.login, account.oneTimePassword);
  const login = await client.request('POST', '/api/v1/staff/login', { body: { login: account.login, password: account.oneTimePassword, totp: await totpCode(server, account.login) } });
  if (login.status !== 200) throw new Error(`staff login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const password = `correct horse ${randomBytes(6).toString('hex')}`;
  const changed = await client.request('POST', '/api/v1/staff/password', { body: { currentPassword: account.oneTimePassword, newPassword: password } });
  if (changed.status !== 200) throw new Error(`password change failed: ${changed.status} ${JSON.stringify(changed.body)}`);
  client.password = password;
  return client;
}
