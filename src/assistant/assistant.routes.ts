// Citizen side: /api/v1/assistant/tickets (registration bearer token). Operator side:
// /api/v1/staff/tickets (staff session cookie, role operator).
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import { requestLanguage } from '../platform/error-handler.js';
import { isLanguage } from '../platform/i18n.js';
import { authorizeRegistration } from '../registration/registration.service.js';
import { principal, prepareStaffScope, staffGuard } from '../staff/staff.auth.js';
import { StaffIdParams, staffSecurity } from '../staff/staff.schemas.js';
import { errorRef } from '../platform/errors/error-body.js';
import { VERIFICATION_CHECKLIST } from './assistant.rules.js';

const CreateBody = Type.Object(
  {
    registrationId: Type.String({ maxLength: 64, description: 'The registration whose phone the SMS code proved' }),
    iin: Type.String({ maxLength: 32 }),
    language: Type.Optional(Type.String({ maxLength: 5, description: 'kk, ru or en: the language of the SMS; defaults to Accept-Language' })),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
/** A ticket as the citizen sees it (also the phone change's, profile/phone-change.routes.ts). */
export const CitizenTicket = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('declined')]),
  phone: Type.String({ description: 'masked' }),
  iin: Type.String({ description: 'masked' }),
  language: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  resolvedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
});
const OperatorTicket = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('declined')]),
  phone: Type.String({ description: 'masked in the list, in full in the one-ticket view' }),
  iin: Type.String({ description: 'masked in the list, in full in the one-ticket view' }),
  language: Type.String(),
  note: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  claimedBy: Type.Union([Type.String(), Type.Null()]),
  claimedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  resolutionNote: Type.Union([Type.String(), Type.Null()]),
  checklist: Type.Union([Type.Record(Type.String(), Type.Boolean()), Type.Null()]),
});
const Checklist = Type.Array(Type.String(), { description: 'The checks an operator ticks before binding' });
const OneTicket = Type.Object({ ticket: OperatorTicket });
const ListQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('declined'), Type.Literal('all')])) },
  { additionalProperties: false },
);
const ResolveBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('bound'), Type.Literal('declined')]),
    checklist: Type.Object(Object.fromEntries(VERIFICATION_CHECKLIST.map((item) => [item, Type.Optional(Type.Boolean())])), { additionalProperties: false }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export function assistantRoutes(ctx: AppContext, { assistant: service, staff }: Pick<Services, 'assistant' | 'staff'>): FastifyPluginAsync {
  return async (app) => {
    await prepareStaffScope(app);
    const operator = staffGuard(staff, 'tickets');

    app.post<{ Body: Static<typeof CreateBody> }>(
      '/assistant/tickets',
      {
        schema: {
          tags: ['assistant'],
          summary: 'Ask for the proven phone to be linked to an IIN in BMG (virtual assistant)',
          security: [{ registrationToken: [] }],
          body: CreateBody,
          response: { 200: CitizenTicket, 201: CitizenTicket, 400: errorRef, 401: errorRef, 404: errorRef, 409: errorRef, 410: errorRef, 422: errorRef },
        },
      },
      async (request, reply) => {
        const registration = await authorizeRegistration(ctx, request.body.registrationId, request.headers.authorization);
        const language = isLanguage(request.body.language) ? request.body.language : requestLanguage(request, ctx.config.defaultLanguage);
        const result = await service.createTicket(registration, { iin: request.body.iin, language, note: request.body.note ?? '' }, request.ip);
        return reply.status(result.created ? 201 : 200).send(result.ticket);
      },
    );

    app.get<{ Params: { id: string } }>(
      '/assistant/tickets/:id',
      {
        schema: {
          tags: ['assistant'],
          summary: "The ticket's status, for the citizen who opened it",
          security: [{ registrationToken: [] }],
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 200: CitizenTicket, 401: errorRef, 404: errorRef },
        },
      },
      async (request) => service.ticketForCitizen(request.params.id, request.headers.authorization),
    );

    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/staff/tickets',
      {
        preHandler: operator,
        schema: { tags: ['staff'], summary: 'BMG-update tickets, oldest first (operator)', security: staffSecurity, querystring: ListQuery, response: { 200: Type.Object({ tickets: Type.Array(OperatorTicket), checklist: Checklist }), 401: errorRef, 403: errorRef } },
      },
      async (request) => service.list(request.query.status ?? 'open'),
    );

    app.get<{ Params: Static<typeof StaffIdParams> }>(
      '/staff/tickets/:id',
      {
        preHandler: operator,
        schema: { tags: ['staff'], summary: 'One ticket with the full phone and IIN (audited)', security: staffSecurity, params: StaffIdParams, response: { 200: Type.Object({ ticket: OperatorTicket, checklist: Checklist }), 401: errorRef, 403: errorRef, 404: errorRef } },
      },
      async (request) => service.view(principal(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof StaffIdParams> }>(
      '/staff/tickets/:id/claim',
      {
        preHandler: operator,
        schema: { tags: ['staff'], summary: 'Take the ticket so no other operator works on it', security: staffSecurity, params: StaffIdParams, response: { 200: OneTicket, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef } },
      },
      async (request) => service.claim(principal(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof StaffIdParams>; Body: Static<typeof ResolveBody> }>(
      '/staff/tickets/:id/resolve',
      {
        preHandler: operator,
        schema: {
          tags: ['staff'],
          summary: 'Close the ticket: bind the phone to the IIN in BMG (checklist complete) or decline',
          security: staffSecurity,
          params: StaffIdParams,
          body: ResolveBody,
          response: { 200: OneTicket, 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef, 422: errorRef, 503: errorRef },
        },
      },
      async (request) => service.resolve(principal(request), request.params.id, { outcome: request.body.outcome, checklist: request.body.checklist, note: request.body.note ?? '' }, request.ip),
    );
  };
}
