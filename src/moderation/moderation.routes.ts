// /api/v1/staff/moderation/cases: the moderators' queue, case view, claim and decision.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { principal, prepareStaffScope, staffGuard } from '../staff/staff.auth.js';
import { StaffIdParams, staffSecurity } from '../staff/staff.schemas.js';
import { errorRef } from '../platform/errors/error-body.js';
import { MAX_DECISION_NOTE } from './moderation.service.js';

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

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const CaseSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  registrationId: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('approved'), Type.Literal('rejected')]),
  similarity: Nullable(Type.Number()),
  livenessScore: Nullable(Type.Number()),
  reasons: Type.Array(Type.String(), { description: 'Why the check came to review (video-check reason codes)' }),
  createdAt: Type.String({ format: 'date-time' }),
  dueAt: Type.String({ format: 'date-time' }),
  secondsLeft: Type.Number({ description: 'To the 24-hour target; negative when overdue' }),
  claimedBy: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  decidedAt: Nullable(Type.String({ format: 'date-time' })),
  decisionReason: Nullable(Type.String()),
  decisionNote: Nullable(Type.String()),
  citizen: Type.Object({
    maskedName: Nullable(Type.String()),
    phone: Type.String({ description: 'masked' }),
    iin: Nullable(Type.String({ description: 'masked' })),
    language: Type.String(),
    registrationState: Type.String(),
  }),
});
const LivenessEvidence = Type.Object({
  mode: Type.Union([Type.Literal('active'), Type.Literal('passive')]),
  verdict: Type.Union([Type.Literal('live'), Type.Literal('no-active-evidence'), Type.Literal('spoof'), Type.Literal('not-met')]),
  signals: Type.Array(
    Type.Object({
      signal: Type.String(),
      value: Type.Union([Type.Number(), Type.String(), Type.Null()]),
      threshold: Type.Optional(Type.Union([Type.Number(), Type.String()])),
      passed: Type.Boolean(),
    }),
  ),
});
const CaseEvidence = Type.Object({
  referencePhoto: Nullable(Type.String({ description: 'data: URL (JPEG)' })),
  frames: Type.Array(Type.String({ description: 'data: URL (JPEG)' })),
  scores: Type.Record(Type.String(), Type.Unknown()),
  challengeTrace: Type.Array(Type.Unknown()),
  liveness: Type.Optional(LivenessEvidence),
});
const CaseDetail = Type.Composite([
  CaseSummary,
  Type.Object({
    evidence: Nullable(CaseEvidence),
    evidenceDeleteAfter: Nullable(Type.String({ format: 'date-time' })),
    evidenceDeletedAt: Nullable(Type.String({ format: 'date-time' })),
  }),
]);
const Reasons = Type.Object({ approve: Type.Array(Type.String()), reject: Type.Array(Type.String()) }, { description: 'The decision reasons a moderator may choose' });
const OneCase = Type.Object({ case: CaseSummary });

const tags = ['moderation'];
const errors = { 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef };

export function moderationRoutes(ctx: AppContext, { moderation: service, staff }: Pick<Services, 'moderation' | 'staff'>): FastifyPluginAsync {
  return async (app) => {
    await prepareStaffScope(app);
    const moderator = staffGuard(staff, 'moderation');

    app.get<{ Querystring: Static<typeof QueueQuery> }>(
      '/staff/moderation/cases',
      {
        preHandler: moderator,
        schema: { tags, summary: 'Cases, open ones oldest first with the time left to the 24-hour target', security: staffSecurity, querystring: QueueQuery, response: { 200: Type.Object({ cases: Type.Array(CaseSummary), reasons: Reasons }), 400: errorRef, 401: errorRef, 403: errorRef } },
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
        schema: { tags, summary: 'One case with its evidence (audited)', security: staffSecurity, params: StaffIdParams, response: { 200: Type.Object({ case: CaseDetail, reasons: Reasons }), ...errors } },
      },
      async (request) => service.view(principal(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof StaffIdParams> }>(
      '/staff/moderation/cases/:id/claim',
      {
        preHandler: moderator,
        schema: { tags, summary: 'Take the case so no other moderator works on it (for 30 minutes)', security: staffSecurity, params: StaffIdParams, response: { 200: OneCase, ...errors } },
      },
      async (request) => service.claim(principal(request), request.params.id, request.ip),
    );

    app.post<{ Params: Static<typeof StaffIdParams> }>(
      '/staff/moderation/cases/:id/release',
      {
        preHandler: moderator,
        schema: { tags, summary: 'Give the case back to the queue', security: staffSecurity, params: StaffIdParams, response: { 200: OneCase, ...errors } },
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
          response: { 200: OneCase, ...errors, 400: errorRef, 422: errorRef },
        },
      },
      async (request) => service.decide(principal(request), request.params.id, { decision: request.body.decision, reason: request.body.reason, note: request.body.note ?? '' }, request.ip),
    );
  };
}
