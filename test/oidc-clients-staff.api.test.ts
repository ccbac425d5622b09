import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { signedInStaff } from './support/staff-client.js';
import { authorizationUrl, Browser, registerClient, relyingParty, startOidcTestServer } from './support/oidc-rp.js';

const server = useTestServer(() => startOidcTestServer());

describe(`staff console: OpenID Connect clients on ${testDbKind}`, () => {
  it('admins list, edit and disable services; each change audited; a disabled service is refused at once', async () => {
    const client = await registerClient(server, { name: 'City parking' });
    const rp = await relyingParty(server, client);
    const admin = await signedInStaff(server, 'admin');

    const list = await admin.request('GET', '/api/v1/staff/oidc-clients');
    expect(list.status).toBe(200);
    const listed = list.body.clients.find((c: { clientId: string }) => c.clientId === client.clientId);
    expect(listed).toMatchObject({ name: 'City parking', redirectUris: [client.redirectUri], scopes: ['openid', 'profile', 'phone'], firstParty: false, disabled: false, authMethod: 'client_secret_basic' });
    expect(JSON.stringify(list.body)).not.toContain(client.clientSecret!);

    const edit = await admin.request('PATCH', `/api/v1/staff/oidc-clients/${client.clientId}`, { body: { name: 'City parking (Astana)', scopes: ['openid', 'phone'] } });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(edit.body).toMatchObject({ name: 'City parking (Astana)', scopes: ['openid', 'phone'] });

    const bad = await admin.request('PATCH', `/api/v1/staff/oidc-clients/${client.clientId}`, { body: { redirectUris: ['http://parking.example.kz/cb'] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'OIDC_CLIENT_INVALID', details: { field: 'redirectUris', problem: 'url' } });
    const unknownScope = await admin.request('PATCH', `/api/v1/staff/oidc-clients/${client.clientId}`, { body: { scopes: ['openid', 'email'] } });
    expect(unknownScope.status).toBe(400);
    const missing = await admin.request('PATCH', '/api/v1/staff/oidc-clients/did-nothing-here', { body: { disabled: true } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('OIDC_CLIENT_NOT_FOUND');

    const disable = await admin.request('PATCH', `/api/v1/staff/oidc-clients/${client.clientId}`, { body: { disabled: true } });
    expect(disable.status).toBe(200);
    expect(disable.body.disabled).toBe(true);
    const start = await authorizationUrl(rp);
    const res = await new Browser(server).fetch(start.url.href);
    expect(res.status).toBe(400);
    expect(String(res.body)).toContain('invalid_client');
    // The service's own credentials stop working too (401 with the invalid_client challenge).
    const refused = await oidc.tokenIntrospection(rp.config, 'anything').catch((err: unknown) => err as { status: number; cause: Array<{ parameters: { error: string } }> });
    expect(refused).toMatchObject({ status: 401 });
    expect((refused as { cause: Array<{ parameters: { error: string } }> }).cause[0].parameters.error).toBe('invalid_client');

    const enable = await admin.request('PATCH', `/api/v1/staff/oidc-clients/${client.clientId}`, { body: { disabled: false } });
    expect(enable.body.disabled).toBe(false);
    expect((await oidc.tokenIntrospection(rp.config, 'anything')).active).toBe(false);

    const audit = await server.ctx.db.selectFrom('audit_events').selectAll().where('type', '=', 'oidc.client_updated').orderBy('at').execute();
    expect(audit.map((e) => e.actor)).toEqual([`staff:${admin.login}`, `staff:${admin.login}`, `staff:${admin.login}`]);
    expect(audit.map((e) => e.details)).toEqual([
      { clientId: client.clientId, changed: ['name', 'scopes'], disabled: false },
      { clientId: client.clientId, changed: ['disabled'], disabled: true },
      { clientId: client.clientId, changed: ['disabled'], disabled: false },
    ]);
  });

  it('only admins: a moderator is refused, no session is refused', async () => {
    const moderator = await signedInStaff(server, 'moderator');
    expect((await moderator.request('GET', '/api/v1/staff/oidc-clients')).status).toBe(403);
    expect((await server.request('GET', '/api/v1/staff/oidc-clients')).status).toBe(401);
  });
});
