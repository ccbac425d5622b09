// /api/v1/interactions/{uid}: what the sign-in and consent pages (and a relying-party test without a
// browser) need while a service waits for the citizen.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { errorRef } from '../platform/errors/error-body.js';
import { citizen, citizenGuard, prepareCitizenScope } from '../session/session.auth.js';
import { citizenSecurity } from '../session/session.schemas.js';

const Params = Type.Object({ uid: Type.String({ minLength: 1, maxLength: 64 }) });
const InteractionBody = Type.Object({
  uid: Type.String(),
  client: Type.Object({
    clientId: Type.String(),
    name: Type.String(),
    logoUri: Type.Union([Type.String(), Type.Null()]),
    policyUri: Type.Union([Type.String(), Type.Null()]),
  }),
  scopes: Type.Array(Type.String(), { description: 'The scopes asked for that the service may have, openid first' }),
  optionalScopes: Type.Array(Type.String(), { description: 'The scopes the citizen may leave out (checkboxes)' }),
  claims: Type.Array(Type.String(), { description: 'The claims those scopes reveal' }),
  prompt: Type.Object({ name: Type.Union([Type.Literal('login'), Type.Literal('consent')]), reasons: Type.Array(Type.String()) }),
  acrRequired: Type.Union([Type.String(), Type.Null()], { description: 'urn:did:acr:high when the service asked for the face step-up' }),
});
const Redirect = Type.Object({ redirectTo: Type.String({ description: 'Where the browser goes next (the provider, then the service)' }) });
const ConsentBody = Type.Object(
  {
    approve: Type.Boolean(),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, description: 'The scopes allowed; all asked for when absent' })),
  },
  { additionalProperties: false },
);

const tags = ['openid connect'];

export function interactionRoutes(ctx: AppContext, { sessions, interactions }: Pick<Services, 'sessions' | 'interactions'>): FastifyPluginAsync {
  return async (app) => {
    await prepareCitizenScope(app);
    const guard = citizenGuard(sessions);

    app.get<{ Params: Static<typeof Params> }>(
      '/interactions/:uid',
      {
        schema: {
          tags,
          summary: 'What a waiting service asks for: the service, the scopes and claims, the step (login or consent) and the assurance it needs',
          params: Params,
          response: { 200: InteractionBody, 404: errorRef },
        },
      },
      async (request, reply) => interactions.details({ req: request.raw, res: reply.raw }, request.params.uid),
    );

    app.post<{ Params: Static<typeof Params> }>(
      '/interactions/:uid/login',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: "Continue with the citizen's session (did_session): the service learns who signed in and how (acr, amr)",
          security: citizenSecurity,
          params: Params,
          response: { 200: Redirect, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef },
        },
      },
      async (request, reply) => interactions.login({ req: request.raw, res: reply.raw }, request.params.uid, citizen(request), request.ip),
    );

    app.post<{ Params: Static<typeof Params>; Body: Static<typeof ConsentBody> }>(
      '/interactions/:uid/consent',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'Allow (all or some scopes) or refuse what the service asks for; the grant is stored and audited',
          security: citizenSecurity,
          params: Params,
          body: ConsentBody,
          response: { 200: Redirect, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef, 422: errorRef },
        },
      },
      async (request, reply) => interactions.consent({ req: request.raw, res: reply.raw }, request.params.uid, citizen(request), request.body, request.ip),
    );
  };
}
