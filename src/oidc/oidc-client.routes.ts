// /api/v1/staff/oidc-clients: the staff console's (admin) list of the services citizens sign in to,
// their edit and disable. Every change is audited with who made it and which fields changed.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { errorRef } from '../platform/errors/error-body.js';
import { prepareStaffScope, principal, staffGuard } from '../staff/staff.auth.js';
import { staffSecurity } from '../staff/staff.schemas.js';
import { OIDC_SCOPES } from './oidc.rules.js';

const Url = Type.String({ minLength: 1, maxLength: 2000 });
const NullableUrl = Type.Union([Url, Type.Null()]);
const Scope = Type.Union(OIDC_SCOPES.map((s) => Type.Literal(s)));
const Client = Type.Object({
  clientId: Type.String(),
  name: Type.String(),
  redirectUris: Type.Array(Type.String()),
  postLogoutRedirectUris: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  firstParty: Type.Boolean({ description: 'Our own service: public sub, no consent page' }),
  authMethod: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post'), Type.Literal('private_key_jwt')]),
  jwksUri: Type.Union([Type.String(), Type.Null()]),
  logoUri: Type.Union([Type.String(), Type.Null()]),
  policyUri: Type.Union([Type.String(), Type.Null()]),
  backchannelLogoutUri: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  disabled: Type.Boolean(),
});
const Params = Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 100 }) });
const Changes = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    redirectUris: Type.Optional(Type.Array(Url, { minItems: 1, maxItems: 20 })),
    postLogoutRedirectUris: Type.Optional(Type.Array(Url, { maxItems: 20 })),
    scopes: Type.Optional(Type.Array(Scope, { minItems: 1, maxItems: OIDC_SCOPES.length })),
    firstParty: Type.Optional(Type.Boolean()),
    logoUri: Type.Optional(NullableUrl),
    policyUri: Type.Optional(NullableUrl),
    backchannelLogoutUri: Type.Optional(NullableUrl),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled service is refused at once (invalid_client)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const tags = ['staff'];

export function oidcClientStaffRoutes(ctx: AppContext, { staff, oidc }: Pick<Services, 'staff' | 'oidc'>): FastifyPluginAsync {
  return async (app) => {
    await prepareStaffScope(app);
    const guard = staffGuard(staff, 'oidc_clients');

    app.get(
      '/staff/oidc-clients',
      {
        preHandler: guard,
        schema: { tags, summary: 'The services citizens sign in to with Digital ID (admin)', security: staffSecurity, response: { 200: Type.Object({ clients: Type.Array(Client) }), 401: errorRef, 403: errorRef } },
      },
      async () => ({ clients: await oidc.clients.list() }),
    );

    app.patch<{ Params: Static<typeof Params>; Body: Static<typeof Changes> }>(
      '/staff/oidc-clients/:clientId',
      {
        preHandler: guard,
        schema: {
          tags,
          summary: 'Edit or disable a service (admin); audited',
          security: staffSecurity,
          params: Params,
          body: Changes,
          response: { 200: Client, 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef, 422: errorRef },
        },
      },
      async (request) => oidc.clients.update(request.params.clientId, request.body, principal(request).actor, request.ip),
    );
  };
}
