// /api/v1/me: the digital profile, its activity, and "block my Digital ID"; and the staff (admin) unblock.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { requestLanguage } from '../platform/error-handler.js';
import { citizen, citizenGuard, clearSessionCookie, prepareCitizenScope } from '../session/session.auth.js';
import { AssuranceSchema, citizenSecurity, CSRF_DESCRIPTION } from '../session/session.schemas.js';
import { errorRef } from '../platform/errors/error-body.js';
import { ACTIVITY_TYPES } from '../session/session.rules.js';
import { prepareStaffScope, principal, staffGuard } from '../staff/staff.auth.js';
import { staffSecurity } from '../staff/staff.schemas.js';

const Me = Type.Object({
  lastName: Type.String(),
  firstName: Type.String(),
  middleName: Type.Union([Type.String(), Type.Null()]),
  birthDate: Type.String({ format: 'date' }),
  sex: Type.Union([Type.Literal('M'), Type.Literal('F')]),
  iinMasked: Type.String({ description: 'e.g. 8803******13' }),
  iin: Type.Optional(Type.String({ description: 'The full IIN: present only while the session is at assurance high (face step-up)' })),
  phoneMasked: Type.String({ description: 'e.g. +7701***4567' }),
  registeredAt: Type.String({ format: 'date-time' }),
  registeredBy: Type.Union([Type.Literal('video_check'), Type.Literal('moderator')], { description: 'How the Digital ID was made' }),
  assurance: AssuranceSchema,
  assuranceUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Until when the session is at high (then it falls back to its base); null when not high' }),
  csrfToken: Type.String({ description: CSRF_DESCRIPTION }),
});
const Activity = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.Union(ACTIVITY_TYPES.map((t) => Type.Literal(t))),
      at: Type.String({ format: 'date-time' }),
      ipMasked: Type.Union([Type.String(), Type.Null()]),
      method: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
/** A staff decision on a Digital ID: its IIN (typed, from the document or the caller) and the operator's reason. */
const StaffDecisionBody = Type.Object(
  {
    iin: Type.String({ maxLength: 32 }),
    note: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "The operator's check of the person: for an unblock the identity document; for a block who asked and how they were checked",
    }),
  },
  { additionalProperties: false },
);

const DigitalIdsQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 40, description: 'A 12-digit IIN or a Kazakhstan mobile number; empty or absent: the blocked Digital IDs' })) },
  { additionalProperties: false },
);
const DigitalIdForStaff = Type.Object({
  id: Type.String({ format: 'uuid' }),
  iinMasked: Type.String({ description: 'e.g. 8803******13' }),
  phoneMasked: Type.String({ description: 'e.g. +7701***4567' }),
  maskedName: Type.Union([Type.String(), Type.Null()], { description: 'First name and the initial of the last name, from the registry' }),
  registeredAt: Type.String({ format: 'date-time' }),
  blockedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Set while the Digital ID is blocked' }),
  lastBlock: Type.Union([
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      via: Type.Union([Type.Literal('session'), Type.Literal('sms_code'), Type.Literal('staff')], {
        description: 'From the signed-in profile, with the SMS code and the IIN, or by staff at the citizen\'s request',
      }),
      by: Type.Union([Type.String(), Type.Null()], { description: 'Staff login, when staff blocked it' }),
      sessionsEnded: Type.Integer(),
      ipMasked: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  lastUnblock: Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), by: Type.String({ description: 'Staff login' }), note: Type.String() }), Type.Null()]),
});

const tags = ['digital profile'];

export function profileRoutes(ctx: AppContext, { sessions, profiles, blocks }: Pick<Services, 'sessions' | 'profiles' | 'blocks'>): FastifyPluginAsync {
  return async (app) => {
    await prepareCitizenScope(app);
    const guard = citizenGuard(sessions);

    app.get(
      '/me',
      {
        onRequest: guard,
        schema: { tags, summary: 'The digital profile of the signed-in citizen, the assurance of this session and its CSRF token', security: citizenSecurity, response: { 200: Me, 401: errorRef } },
      },
      async (request) => {
        const principal = citizen(request);
        return { ...(await profiles.profile(principal)), csrfToken: sessions.csrfToken(principal.token) };
      },
    );

    app.get(
      '/me/activity',
      {
        onRequest: guard,
        schema: { tags, summary: 'Own sign-ins, sign-outs and changes, newest first (at most 50)', security: citizenSecurity, response: { 200: Activity, 401: errorRef } },
      },
      async (request) => ({ events: await profiles.activity(citizen(request)) }),
    );

    app.post(
      '/me/block',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: 'Block my Digital ID (lost phone): ends every session and refuses every sign-in until staff unblock it',
          security: citizenSecurity,
          response: { 204: Type.Null(), 401: errorRef, 403: errorRef },
        },
      },
      async (request, reply) => {
        await blocks.blockByCitizen(citizen(request), requestLanguage(request, ctx.config.defaultLanguage), request.ip);
        clearSessionCookie(reply, ctx.config);
        return reply.status(204).send();
      },
    );
  };
}

export function digitalIdStaffRoutes(ctx: AppContext, { staff, blocks }: Pick<Services, 'staff' | 'blocks'>): FastifyPluginAsync {
  return async (app) => {
    await prepareStaffScope(app);

    app.get<{ Querystring: Static<typeof DigitalIdsQuery> }>(
      '/staff/digital-ids',
      {
        preHandler: staffGuard(staff, 'digital_ids'),
        schema: {
          tags: ['staff'],
          summary: 'Find a Digital ID by IIN or phone, or list the blocked ones, masked (admin); audited',
          security: staffSecurity,
          querystring: DigitalIdsQuery,
          response: { 200: Type.Object({ digitalIds: Type.Array(DigitalIdForStaff) }), 400: errorRef, 401: errorRef, 403: errorRef, 422: errorRef },
        },
      },
      async (request) => ({ digitalIds: await blocks.findForStaff({ query: request.query.q, actor: principal(request).actor, clientIp: request.ip }) }),
    );

    // Staff decisions on a Digital ID: the same guard, body and answers; only the action differs.
    const staffDecision = (path: string, summary: string, decide: (input: Parameters<typeof blocks.unblockByStaff>[0]) => Promise<void>) =>
      app.post<{ Body: Static<typeof StaffDecisionBody> }>(
        path,
        {
          preHandler: staffGuard(staff, 'digital_ids'),
          schema: {
            tags: ['staff'],
            summary,
            security: staffSecurity,
            body: StaffDecisionBody,
            response: { 204: Type.Null(), 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef, 422: errorRef },
          },
        },
        async (request, reply) => {
          await decide({ ...request.body, actor: principal(request).actor, clientIp: request.ip, language: ctx.config.defaultLanguage });
          return reply.status(204).send();
        },
      );

    staffDecision('/staff/digital-ids/unblock', "Unblock a citizen's Digital ID after an operator's check (admin); audited, the citizen gets an SMS", (input) =>
      blocks.unblockByStaff(input),
    );
    staffDecision(
      '/staff/digital-ids/block',
      "Block a citizen's Digital ID at their request through the support centre (admin), when they can no longer block it themselves (e.g. its number was changed without them): every session ends, every sign-in is refused; audited, SMS",
      (input) => blocks.blockByStaff(input),
    );
  };
}
