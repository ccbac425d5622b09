// The guard in front of every citizen route that needs a session: the did_session cookie → principal,
// and the CSRF header on every state-changing call (the staff console's approach, platform/csrf.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import cookie from '@fastify/cookie';
import type { Config } from '../platform/config.js';
import { csrfAllows } from '../platform/csrf.js';
import { AppError } from '../platform/errors/app-error.js';
import type { CitizenPrincipal, SessionService } from './session.service.js';
import { assuranceMeets, type Assurance } from './session.rules.js';

declare module 'fastify' {
  interface FastifyRequest {
    citizen?: CitizenPrincipal;
  }
}

export const SESSION_COOKIE = 'did_session';

/** Cookie parsing for a plugin scope with citizen routes; their answers (personal data) are never cached. */
export async function prepareCitizenScope(app: FastifyInstance): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });
}

// SameSite=Lax, not Strict: a service the citizen signs in to (OIDC, next issue) redirects back here
// with a top-level GET that must carry the cookie. Writes are covered by the CSRF header.
function cookieOptions(config: Config) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.env !== 'development' };
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(config), maxAge: config.session.absoluteTimeoutSeconds });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE] || undefined;
}

/** The principal set by the guard; routes behind `citizenGuard` can rely on it. */
export function citizen(request: FastifyRequest): CitizenPrincipal {
  if (!request.citizen) throw new AppError('SESSION_REQUIRED');
  return request.citizen;
}

export function citizenGuard(service: SessionService): preHandlerAsyncHookHandler {
  return async function guard(request: FastifyRequest) {
    const principal = await service.authenticate(sessionToken(request));
    if (!csrfAllows(request, service.csrfToken(principal.token))) throw new AppError('SESSION_CSRF_FAILED');
    request.citizen = principal;
  };
}

/**
 * After `citizenGuard`: 403 STEP_UP_REQUIRED (details `{required}`) unless the session's assurance now is
 * at least `required` (`high`: a face step-up within the last 15 minutes).
 */
export function requireAssurance(required: Exclude<Assurance, 'low'>): preHandlerAsyncHookHandler {
  return async function assured(request: FastifyRequest) {
    if (!assuranceMeets(citizen(request).assurance, required)) throw new AppError('STEP_UP_REQUIRED', { required });
  };
}
