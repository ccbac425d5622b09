// /api/v1/me/services: the services the citizen let see their data, and "revoke" for each.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { errorRef } from '../platform/errors/error-body.js';
import { citizen, citizenGuard, prepareCitizenScope } from '../session/session.auth.js';
import { citizenSecurity } from '../session/session.schemas.js';

const Services = Type.Object({
  services: Type.Array(
    Type.Object({
      clientId: Type.String(),
      name: Type.String(),
      logoUri: Type.Union([Type.String(), Type.Null()]),
      policyUri: Type.Union([Type.String(), Type.Null()]),
      scopes: Type.Array(Type.String(), { description: 'What the service may ask for: openid, profile, phone, iin, offline_access' }),
      claims: Type.Array(Type.String(), { description: 'The data those scopes reveal' }),
      since: Type.String({ format: 'date-time' }),
    }),
  ),
});
const Params = Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 100 }) });

const tags = ['digital profile'];

export function grantRoutes(ctx: AppContext, { sessions, grants }: Pick<Services, 'sessions' | 'grants'>): FastifyPluginAsync {
  return async (app) => {
    await prepareCitizenScope(app);
    const guard = citizenGuard(sessions);

    app.get(
      '/me/services',
      {
        onRequest: guard,
        schema: { tags, summary: 'The services allowed to see my data: what each may see and since when', security: citizenSecurity, response: { 200: Services, 401: errorRef } },
      },
      async (request) => ({ services: await grants.list(citizen(request)) }),
    );

    app.delete<{ Params: Static<typeof Params> }>(
      '/me/services/:clientId',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: "Revoke a service's access: its grant and every token it holds end at once; audited",
          security: citizenSecurity,
          params: Params,
          response: { 204: Type.Null(), 401: errorRef, 404: errorRef },
        },
      },
      async (request, reply) => {
        await grants.revoke(citizen(request), request.params.clientId, request.ip);
        return reply.status(204).send();
      },
    );
  };
}
