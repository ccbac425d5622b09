// /api/v1/sessions (sign-in with a code, sign-out) and /api/v1/me/sessions (the citizen's sessions).
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { requestLanguage } from '../platform/error-handler.js';
import { isLanguage } from '../platform/i18n.js';
import { citizen, citizenGuard, clearSessionCookie, prepareCitizenScope, setSessionCookie } from './session.auth.js';
import { AssuranceSchema, citizenSecurity, CSRF_DESCRIPTION } from './session.schemas.js';
import { errorRef } from '../platform/errors/error-body.js';
import { authorizeRegistration } from '../registration/registration.service.js';

const StartBody = Type.Object(
  {
    phone: Type.String({ maxLength: 40, description: 'Kazakhstan mobile number in any common format' }),
    language: Type.Optional(Type.String({ maxLength: 5, description: 'kk, ru or en for the SMS; defaults to Accept-Language' })),
  },
  { additionalProperties: false },
);
const OtpBody = Type.Object({ code: Type.String({ maxLength: 12 }) }, { additionalProperties: false });
const BlockBody = Type.Object({ code: Type.String({ maxLength: 12 }), iin: Type.String({ maxLength: 32 }) }, { additionalProperties: false });
const LogoutBody = Type.Object({ everywhere: Type.Optional(Type.Boolean({ description: 'End every session of this Digital ID, not only this one' })) }, { additionalProperties: false });
const HandleParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'The id returned when the sign-in was started' }) });
const SessionIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const OtpTiming = Type.Object({ expiresAt: Type.String({ format: 'date-time' }), resendAvailableAt: Type.String({ format: 'date-time' }) });
const SessionSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  current: Type.Boolean({ description: 'This device: the session of the cookie that asked' }),
  assurance: AssuranceSchema,
  method: Type.Union([Type.Literal('otp'), Type.Literal('passkey'), Type.Literal('registration')]),
  browser: Type.Object({ name: Type.Union([Type.String(), Type.Null()]), os: Type.Union([Type.String(), Type.Null()]) }),
  ipMasked: Type.Union([Type.String(), Type.Null()], { description: 'e.g. 203.0.113.*' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
});

const tags = ['sign-in and sessions'];

export function sessionRoutes(ctx: AppContext, { sessions, signins }: Pick<Services, 'sessions' | 'signins'>): FastifyPluginAsync {
  return async (app) => {
    await prepareCitizenScope(app);
    const guard = citizenGuard(sessions);

    app.post<{ Body: Static<typeof StartBody> }>(
      '/sessions',
      {
        schema: {
          tags,
          summary: 'Start a sign-in: sends a one-time code by SMS. A phone with no Digital ID gets the same answer (its SMS says how to register)',
          body: StartBody,
          response: { 201: Type.Object({ id: Type.String(), otp: OtpTiming }), 400: errorRef, 422: errorRef, 429: errorRef },
        },
      },
      async (request, reply) => {
        const language = isLanguage(request.body.language) ? request.body.language : requestLanguage(request, ctx.config.defaultLanguage);
        return reply.status(201).send(await signins.start({ phone: request.body.phone, language, clientIp: request.ip }));
      },
    );

    app.post<{ Params: Static<typeof HandleParams> }>(
      '/sessions/:id/otp/resend',
      {
        schema: {
          tags,
          summary: 'Send a new sign-in code (after the cooldown); the previous code stops working',
          params: HandleParams,
          response: { 200: Type.Object({ otp: OtpTiming }), 404: errorRef, 410: errorRef, 429: errorRef },
        },
      },
      async (request) => signins.resend(request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof HandleParams>; Body: Static<typeof OtpBody> }>(
      '/sessions/:id/otp',
      {
        schema: {
          tags,
          summary: 'Check the sign-in code; opens a session (HttpOnly cookie did_session)',
          params: HandleParams,
          body: OtpBody,
          response: {
            200: Type.Object({ assurance: AssuranceSchema, csrfToken: Type.String({ description: CSRF_DESCRIPTION }) }),
            400: errorRef,
            403: errorRef,
            404: errorRef,
            410: errorRef,
            422: errorRef,
            429: errorRef,
          },
        },
      },
      async (request, reply) => {
        const result = await signins.verify(request.params.id, request.body.code, { clientIp: request.ip, userAgent: request.headers['user-agent'] ?? null });
        setSessionCookie(reply, ctx.config, result.token);
        return { assurance: result.assurance, csrfToken: result.csrfToken };
      },
    );

    app.post<{ Params: Static<typeof HandleParams>; Body: Static<typeof BlockBody> }>(
      '/sessions/:id/block',
      {
        schema: {
          tags,
          summary: 'Block my Digital ID without a session: the sign-in code and the IIN; every session ends, every sign-in is refused until staff unblock it',
          params: HandleParams,
          body: BlockBody,
          response: { 204: Type.Null(), 400: errorRef, 403: errorRef, 404: errorRef, 410: errorRef, 422: errorRef, 429: errorRef },
        },
      },
      async (request, reply) => {
        const language = requestLanguage(request, ctx.config.defaultLanguage);
        await signins.blockWithCode(request.params.id, request.body.code, request.body.iin, { clientIp: request.ip, language });
        return reply.status(204).send();
      },
    );

    app.post<{ Params: Static<typeof SessionIdParams> }>(
      '/sessions/registration/:id',
      {
        schema: {
          tags,
          summary: 'Open the first session with the token of the registration that just completed (once, within 30 minutes of its completion)',
          params: Type.Object({ id: Type.String({ maxLength: 64, description: 'The registration id' }) }),
          security: [{ registrationToken: [] }],
          response: {
            200: Type.Object({ assurance: AssuranceSchema, csrfToken: Type.String({ description: CSRF_DESCRIPTION }) }),
            401: errorRef,
            403: errorRef,
            404: errorRef,
            409: errorRef,
            410: errorRef,
          },
        },
      },
      async (request, reply) => {
        const registration = await authorizeRegistration(ctx, request.params.id, request.headers.authorization, { allowFinished: true });
        const result = await signins.fromRegistration(registration, { clientIp: request.ip, userAgent: request.headers['user-agent'] ?? null });
        setSessionCookie(reply, ctx.config, result.token);
        return { assurance: result.assurance, csrfToken: result.csrfToken };
      },
    );

    app.post<{ Body: Static<typeof LogoutBody> }>(
      '/sessions/logout',
      {
        onRequest: guard,
        // The body is optional: no body means this session only.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags,
          summary: 'Sign out of this session, or of every session (everywhere: true)',
          security: citizenSecurity,
          body: LogoutBody,
          response: { 204: Type.Null(), 401: errorRef, 403: errorRef },
        },
      },
      async (request, reply) => {
        await sessions.logout(citizen(request), request.body.everywhere === true, request.ip);
        clearSessionCookie(reply, ctx.config);
        return reply.status(204).send();
      },
    );

    app.get(
      '/me/sessions',
      {
        onRequest: guard,
        schema: { tags, summary: 'The open sessions of this Digital ID', security: citizenSecurity, response: { 200: Type.Object({ sessions: Type.Array(SessionSchema) }), 401: errorRef } },
      },
      async (request) => ({ sessions: await sessions.list(citizen(request)) }),
    );

    app.delete<{ Params: Static<typeof SessionIdParams> }>(
      '/me/sessions/:id',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'End one of the sessions (another device, or this one)',
          security: citizenSecurity,
          params: SessionIdParams,
          response: { 204: Type.Null(), 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef },
        },
      },
      async (request, reply) => {
        const { current } = await sessions.revoke(citizen(request), request.params.id, request.ip);
        if (current) clearSessionCookie(reply, ctx.config);
        return reply.status(204).send();
      },
    );
  };
}
