// CSRF for cookie sessions (staff and citizens): the token is an HMAC of the session token, handed to
// the page in a JSON answer and sent back in a header on every state-changing call. A cross-site page
// can make the browser send the cookie but can neither read the token nor set the header without CORS.
import type { FastifyRequest } from 'fastify';
import { constantTimeEqual, hmacSha256 } from './crypto.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF token of a session token; `purpose` keeps staff and citizen tokens apart. */
export function csrfTokenFor(secret: Buffer, purpose: string, sessionToken: string): string {
  return hmacSha256(secret, purpose, sessionToken).toString('base64url');
}

/** True for reads, and for writes whose header carries the expected token (constant-time compare). */
export function csrfAllows(request: FastifyRequest, expected: string): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const header = request.headers[CSRF_HEADER];
  return constantTimeEqual(Buffer.from(typeof header === 'string' ? header : ''), Buffer.from(expected));
}
