// /api/v1/sessions/passkey (sign-in with a passkey) and /api/v1/me/passkeys (the citizen's passkeys).
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { errorRef } from '../platform/errors/error-body.js';
import { citizen, citizenGuard, prepareCitizenScope, setSessionCookie } from './session.auth.js';
import { AssuranceSchema, citizenSecurity, CSRF_DESCRIPTION } from './session.schemas.js';
import { AuthenticationOptions, AuthenticationResponse, Passkey, RegistrationOptions, RegistrationResponse } from './passkey.schemas.js';

const SigninBody = Type.Object({ response: AuthenticationResponse }, { additionalProperties: false });
const AddBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200, description: 'Defaults to the passkey provider or the browser that added it' })),
    response: RegistrationResponse,
  },
  { additionalProperties: false },
);
const RenameBody = Type.Object({ name: Type.String({ maxLength: 200, description: '1–60 characters' }) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const tags = ['sign-in and sessions'];

export function passkeyRoutes(ctx: AppContext, { passkeys, sessions }: Pick<Services, 'passkeys' | 'sessions'>): FastifyPluginAsync {
  return async (app) => {
    await prepareCitizenScope(app);
    const guard = citizenGuard(sessions);
    const client = (request: { ip: string; headers: Record<string, string | string[] | undefined> }) => ({
      clientIp: request.ip,
      userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
    });

    app.post(
      '/sessions/passkey/options',
      {
        schema: {
          tags,
          summary: 'Start a sign-in with a passkey: the WebAuthn request options (a single-use challenge, valid 2 minutes; any passkey of this site)',
          response: { 200: AuthenticationOptions, 429: errorRef },
        },
      },
      async (request) => passkeys.authenticationOptions(request.ip),
    );

    app.post<{ Body: Static<typeof SigninBody> }>(
      '/sessions/passkey',
      {
        schema: {
          tags,
          summary: 'Finish a sign-in with a passkey: opens a session of assurance substantial (HttpOnly cookie did_session)',
          body: SigninBody,
          response: {
            200: Type.Object({ assurance: AssuranceSchema, csrfToken: Type.String({ description: CSRF_DESCRIPTION }) }),
            400: errorRef,
            401: errorRef,
            403: errorRef,
            410: errorRef,
          },
        },
      },
      async (request, reply) => {
        const result = await passkeys.signIn(request.body.response, client(request));
        setSessionCookie(reply, ctx.config, result.token);
        return { assurance: result.assurance, csrfToken: result.csrfToken };
      },
    );

    app.post(
      '/me/passkeys/options',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'Start adding a passkey: the WebAuthn creation options (discoverable credential, user verification required)',
          security: citizenSecurity,
          response: { 200: RegistrationOptions, 401: errorRef, 403: errorRef, 409: errorRef },
        },
      },
      async (request) => passkeys.registrationOptions(citizen(request), request.ip),
    );

    app.post<{ Body: Static<typeof AddBody> }>(
      '/me/passkeys',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'Add a passkey: the new credential from the browser, and optionally its name',
          security: citizenSecurity,
          body: AddBody,
          response: { 201: Passkey, 400: errorRef, 401: errorRef, 403: errorRef, 409: errorRef, 410: errorRef },
        },
      },
      async (request, reply) => reply.status(201).send(await passkeys.register(citizen(request), request.body, client(request))),
    );

    app.get(
      '/me/passkeys',
      {
        onRequest: guard,
        schema: { tags, summary: 'The passkeys of this Digital ID, oldest first', security: citizenSecurity, response: { 200: Type.Object({ passkeys: Type.Array(Passkey) }), 401: errorRef } },
      },
      async (request) => ({ passkeys: await passkeys.list(citizen(request)) }),
    );

    app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof RenameBody> }>(
      '/me/passkeys/:id',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'Rename a passkey',
          security: citizenSecurity,
          params: IdParams,
          body: RenameBody,
          response: { 200: Passkey, 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef },
        },
      },
      async (request) => passkeys.rename(citizen(request), request.params.id, request.body.name, request.ip),
    );

    app.delete<{ Params: Static<typeof IdParams> }>(
      '/me/passkeys/:id',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'Remove a passkey: it no longer signs in (sessions it opened stay until they end)',
          security: citizenSecurity,
          params: IdParams,
          response: { 204: Type.Null(), 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef },
        },
      },
      async (request, reply) => {
        await passkeys.remove(citizen(request), request.params.id, request.ip);
        return reply.status(204).send();
      },
    );
  };
}
