// /api/v1/staff/moderation/cases: the moderators' queue, case view, claim and decision.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { StaffService } from '../staff/staff.service.js';
import { principal, prepareStaffScope, staffGuard } from '../staff/staff.auth.js';
import { StaffIdParams, staffSecurity } from '../staff/staff.schemas.js';
import { errorRef } from '../platform/errors/error-body.js';
import { MAX_DECISION_NOTE, ModerationService } from './moderation.service.js';

const QueueQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('approved'), Type.Literal('rejected')])),
    claim: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('mine'), Type.Literal('unclaimed')])),
    overdue: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  },
  { additionalProperties: false },
);
const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
    reason: Type.String({ maxLength: 64, description: 'One of the listed reasons for this decision' }),
    note: Type.Optional(Type.String({ maxLength: MAX_DECISION_NOTE })),
  },
  { additionalProperties: false },
);

const tags = ['moderation'];
const errors = { 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef };

export function moderationRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    await prepareStaffScope(app);
    const service = new ModerationService(ctx);
    const moderator = staffGuard(new StaffService(ctx.db, ctx.config), 'moderation');

    app.get<{ Querystring: Static<typeof QueueQuery> }>(
      '/staff/moderation/cases',
      {
        preHandler: moderator,
        schema: { tags, summary: 'Cases, open ones oldest first with the time left to the 24-hour target', security: staffSecurity, querystring: QueueQuery, response: { 400: errorRef, 401: errorRef, 403: errorRef } },
      },
      async (request) =>
        service.queue(principal(request), {
          status: request.query.status ?? 'open',
          claim: request.query.claim ?? 'all',
          overdueOnly: request.query.overdue === 'true',
        }),
    );

    app.get<{ Params: Static<typeof StaffIdParams> }>(
      '/staff/moderation/cases/:id',
      {
        preHandler: moderator,
        schema: { tags, summary: 'One case with its evidence (audited)', security: staffSecurity, params: StaffIdParams, response: errors },
      },
      async (request) => service.view(principal(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof StaffIdParams> }>(
      '/staff/moderation/cases/:id/claim',
      {
        preHandler: moderator,
        schema: { tags, summary: 'Take the case so no other moderator works on it (for 30 minutes)', security: staffSecurity, params: StaffIdParams, response: errors },
      },
      async (request) => service.claim(principal(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof StaffIdParams> }>(
      '/staff/moderation/cases/:id/release',
      {
        preHandler: moderator,
        schema: { tags, summary: 'Give the case back to the queue', security: staffSecurity, params: StaffIdParams, response: errors },
      },
      async (request) => service.release(principal(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof StaffIdParams>; Body: Static<typeof DecisionBody> }>(
      '/staff/moderation/cases/:id/decision',
      {
        preHandler: moderator,
        schema: {
          tags,
          summary: 'Approve (registration completed, profile created) or reject (registration rejected); the citizen gets an SMS. Once only.',
          security: staffSecurity,
          params: StaffIdParams,
          body: DecisionBody,
          response: { ...errors, 400: errorRef, 422: errorRef },
        },
      },
      async (request) => service.decide(principal(request), request.params.id, { decision: request.body.decision, reason: request.body.reason, note: request.body.note ?? '' }, request.ip),
    );
  };
}
