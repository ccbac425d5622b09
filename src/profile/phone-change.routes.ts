// /api/v1/me/phone: change the Digital ID's phone (signed in at assurance high, CSRF): the new number →
// a code sent to it → the change.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { requestLanguage } from '../platform/error-handler.js';
import { isLanguage } from '../platform/i18n.js';
import { errorRef } from '../platform/errors/error-body.js';
import { citizen, citizenGuard, prepareCitizenScope, requireAssurance } from '../session/session.auth.js';
import { citizenSecurity } from '../session/session.schemas.js';
import { CitizenTicket } from '../assistant/assistant.routes.js';

const StartBody = Type.Object(
  {
    phone: Type.String({ maxLength: 40, description: 'The new Kazakhstan mobile number in any common format; must be bound to your IIN in BMG' }),
    language: Type.Optional(Type.String({ maxLength: 5, description: 'kk, ru or en for the SMS; defaults to Accept-Language' })),
  },
  { additionalProperties: false },
);
const OtpBody = Type.Object({ code: Type.String({ maxLength: 12 }) }, { additionalProperties: false });
const ChangeParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'The id returned when the change was started' }) });
const OtpTiming = Type.Object({ expiresAt: Type.String({ format: 'date-time' }), resendAvailableAt: Type.String({ format: 'date-time' }) });

const tags = ['digital profile'];
const STEP_UP = 'Needs assurance high (a face step-up within 15 minutes): else 403 STEP_UP_REQUIRED.';

export function phoneChangeRoutes(ctx: AppContext, { phoneChanges: changes, sessions }: Pick<Services, 'phoneChanges' | 'sessions'>): FastifyPluginAsync {
  return async (app) => {
    await prepareCitizenScope(app);
    const guard = [citizenGuard(sessions), requireAssurance('high')];

    app.post<{ Body: Static<typeof StartBody> }>(
      '/me/phone',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: `Start a change of phone: sends a code to the new number. ${STEP_UP} A number BMG does not bind to your IIN: 409 BMG_PHONE_MISMATCH (the virtual assistant can bind it)`,
          security: citizenSecurity,
          body: StartBody,
          response: { 201: Type.Object({ id: Type.String({ format: 'uuid' }), otp: OtpTiming }), 400: errorRef, 401: errorRef, 403: errorRef, 409: errorRef, 422: errorRef, 429: errorRef },
        },
      },
      async (request, reply) => {
        const language = isLanguage(request.body.language) ? request.body.language : requestLanguage(request, ctx.config.defaultLanguage);
        return reply.status(201).send(await changes.start(citizen(request), { phone: request.body.phone, language, clientIp: request.ip }));
      },
    );

    app.post<{ Params: Static<typeof ChangeParams> }>(
      '/me/phone/:id/otp/resend',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: `Send a new code to the new number (after the cooldown); the previous code stops working. ${STEP_UP}`,
          security: citizenSecurity,
          params: ChangeParams,
          response: { 200: Type.Object({ otp: OtpTiming }), 401: errorRef, 403: errorRef, 404: errorRef, 410: errorRef, 429: errorRef },
        },
      },
      async (request) => changes.resend(citizen(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof ChangeParams>; Body: Static<typeof OtpBody> }>(
      '/me/phone/:id/otp',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: `Check the code sent to the new number: the Digital ID's phone changes and the old number gets an SMS. ${STEP_UP}`,
          security: citizenSecurity,
          params: ChangeParams,
          body: OtpBody,
          response: { 200: Type.Object({ phoneMasked: Type.String({ description: 'e.g. +7701***4567' }) }), 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef, 410: errorRef, 422: errorRef, 429: errorRef },
        },
      },
      async (request) => changes.verify(citizen(request), request.params.id, request.body.code, request.ip),
    );

    app.post<{ Body: Static<typeof StartBody> }>(
      '/me/phone/assistant-ticket',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: `After 409 BMG_PHONE_MISMATCH: ask the virtual assistant (a service-centre operator) to bind the new number to your IIN in BMG; a second request returns the open ticket. ${STEP_UP} A number BMG already binds: 409 TICKET_NOT_NEEDED`,
          security: citizenSecurity,
          body: StartBody,
          response: { 200: CitizenTicket, 201: CitizenTicket, 400: errorRef, 401: errorRef, 403: errorRef, 409: errorRef, 422: errorRef },
        },
      },
      async (request, reply) => {
        const language = isLanguage(request.body.language) ? request.body.language : requestLanguage(request, ctx.config.defaultLanguage);
        const { created, ticket } = await changes.assistantTicket(citizen(request), { phone: request.body.phone, language }, request.ip);
        return reply.status(created ? 201 : 200).send(ticket);
      },
    );
  };
}
