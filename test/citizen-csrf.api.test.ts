// CSRF protection on every state-changing call of a signed-in citizen, read from the OpenAPI document
// rather than listed by hand: each POST/PUT/PATCH/DELETE that takes the citizen's session (security
// citizenSession) answers 403 SESSION_CSRF_FAILED without the x-csrf-token header, or with a forged one,
// before it does anything. Every other write route must be one that does not take the session at all
// (listed below with why), so a new citizen route cannot leave out its guard unnoticed.
import { beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { citizenWithDigitalId, signIn } from './support/citizen-session.js';
import type { OpenApiDocument } from '../scripts/api-types.js';

let doc: OpenApiDocument;

const server = useTestServer({ SIGNIN_SEND_LIMIT_PER_IP: '100000' });
beforeAll(async () => {
  doc = server.app.swagger() as unknown as OpenApiDocument;
});

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

/** Write routes that never read the citizen's session cookie, and why they need no CSRF header. */
const WITHOUT_SESSION: Array<[RegExp, string]> = [
  [/^\/api\/v1\/registrations(\/|$)/, "the registration's bearer token (not a cookie)"],
  [/^\/api\/v1\/assistant\/tickets$/, "a registration's virtual-assistant ticket: its bearer token"],
  [/^\/api\/v1\/sessions$/, 'starts a sign-in: nothing to act on yet'],
  [/^\/api\/v1\/sessions\/\{id\}\/(otp|otp\/resend|block)$/, "a sign-in's code (the handle is not a cookie)"],
  [/^\/api\/v1\/sessions\/registration\/\{id\}$/, "the registration's bearer token"],
  [/^\/api\/v1\/sessions\/passkey(\/options)?$/, "a passkey assertion (the ceremony's challenge, not a cookie)"],
  [/^\/api\/v1\/staff(\/|$)/, 'staff routes: their own session and CSRF header (staff.auth.ts)'],
  [/^\/api\/v1\/dev\//, 'development outbox'],
  [/^\/api\/v1\/sms\//, "the SMS provider's delivery callbacks"],
];

/** Every write route of the document, and whether it takes the citizen's session. */
function writeRoutes(): Array<{ method: string; route: string; citizen: boolean }> {
  const routes: Array<{ method: string; route: string; citizen: boolean }> = [];
  for (const [route, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!WRITES.has(method)) continue;
      const security = (op as { security?: Array<Record<string, unknown>> }).security ?? [];
      routes.push({ method: method.toUpperCase(), route, citizen: security.some((s) => 'citizenSession' in s) });
    }
  }
  return routes;
}

describe(`CSRF on every citizen write (${testDbKind})`, () => {
  it('every write route either takes the citizen session (and so the CSRF check) or is one that never reads it', () => {
    const unexplained = writeRoutes()
      .filter((r) => !r.citizen && !WITHOUT_SESSION.some(([pattern]) => pattern.test(r.route)))
      .map((r) => `${r.method} ${r.route}`);
    expect(unexplained).toEqual([]);
  });

  it('refuses each of them without the header or with a forged one (403 SESSION_CSRF_FAILED), and the session is untouched', async () => {
    const routes = writeRoutes().filter((r) => r.citizen);
    // The ones issue 12 names, at least: sessions, sign-out, block, step-up, passkeys, change of phone.
    expect(routes.map((r) => `${r.method} ${r.route}`)).toEqual(
      expect.arrayContaining([
        'DELETE /api/v1/me/sessions/{id}',
        'POST /api/v1/sessions/logout',
        'POST /api/v1/me/block',
        'POST /api/v1/me/step-up',
        'POST /api/v1/me/step-up/{checkId}',
        'POST /api/v1/me/passkeys/options',
        'POST /api/v1/me/passkeys',
        'DELETE /api/v1/me/passkeys/{id}',
        'POST /api/v1/me/phone',
        'POST /api/v1/me/phone/{id}/otp',
      ]),
    );
    const citizen = await citizenWithDigitalId(server);
    const browser = await signIn(server, citizen.phone);
    expect((await browser.request('GET', '/api/v1/me')).status).toBe(200);
    const id = '00000000-0000-4000-8000-000000000000';
    for (const { method, route } of routes) {
      const path = route.replace(/\{[^}]+\}/g, id);
      for (const headers of [{}, { 'x-csrf-token': 'forged' }] as Array<Record<string, string>>) {
        const res = await browser.request(method, path, { body: {}, csrf: false, headers });
        expect([res.status, res.body?.error?.code], `${method} ${route} ${JSON.stringify(headers)}`).toEqual([403, 'SESSION_CSRF_FAILED']);
      }
    }
    expect((await browser.request('GET', '/api/v1/me')).status).toBe(200);
    const profile = await server.ctx.db.selectFrom('digital_profiles').select('blocked_at').where('iin', '=', citizen.iin).executeTakeFirstOrThrow();
    expect(profile.blocked_at).toBeNull();
  });
});
