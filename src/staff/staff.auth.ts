// The guard in front of every staff route: session cookie → principal, CSRF header on writes,
// the one-time password replaced, and the role allowed. Citizens' bearer tokens are never looked at.
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import cookie from '@fastify/cookie';
import type { Config } from '../platform/config.js';
import { csrfAllows } from '../platform/csrf.js';
import { AppError } from '../platform/errors/app-error.js';
import { roleAllows, type StaffPermission } from './staff.rules.js';
import type { StaffPrincipal, StaffService } from './staff.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffPrincipal;
  }
}

export const STAFF_COOKIE = 'digitalid_staff';
export { CSRF_HEADER } from '../platform/csrf.js';
/** The cookie reaches only the staff API, never the citizen's pages or API. */
export const STAFF_COOKIE_PATH = '/api/v1/staff';

/** Cookie parsing for a plugin scope with staff routes; their answers (personal data) are never cached. */
export async function prepareStaffScope(app: FastifyInstance): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(STAFF_COOKIE, token, {
    path: STAFF_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: config.env === 'production',
  });
}

/** Marks this browser as one the staff member signed in from (see staff-login-guard.ts); sent only to the sign-in route. */
export const DEVICE_COOKIE = 'digitalid_staff_device';
export const DEVICE_COOKIE_PATH = '/api/v1/staff/login';

export function setDeviceCookie(reply: FastifyReply, config: Config, value: string, maxAgeSeconds: number): void {
  reply.setCookie(DEVICE_COOKIE, value, { path: DEVICE_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: config.env === 'production', maxAge: maxAgeSeconds });
}

export function deviceCookie(request: FastifyRequest): string | undefined {
  return request.cookies?.[DEVICE_COOKIE] || undefined;
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(STAFF_COOKIE, { path: STAFF_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: config.env === 'production' });
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies?.[STAFF_COOKIE] || undefined;
}

/** The principal set by the guard; routes behind `staffGuard` can rely on it. */
export function principal(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new AppError('STAFF_UNAUTHENTICATED');
  return request.staff;
}

export function staffGuard(
  service: StaffService,
  permission: StaffPermission | null,
  options: { allowPendingPasswordChange?: boolean } = {},
): preHandlerAsyncHookHandler {
  return async function guard(request: FastifyRequest) {
    const token = sessionToken(request);
    const staff = await service.authenticate(token);
    if (!csrfAllows(request, service.csrfToken(token!))) throw new AppError('STAFF_CSRF_FAILED');
    if (staff.passwordChangeRequired && !options.allowPendingPasswordChange) throw new AppError('STAFF_PASSWORD_CHANGE_REQUIRED');
    if (permission && !roleAllows(staff.role, permission)) throw new AppError('STAFF_FORBIDDEN');
    request.staff = staff;
  };
}
