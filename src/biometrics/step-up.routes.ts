// HTTP of the face step-up: /api/v1/me/step-up (signed in, CSRF), the registration's video-check
// protocol (issue, then submit the frames as multipart) for the session's own citizen.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { errorRef } from '../platform/errors/error-body.js';
import { citizen, citizenGuard, prepareCitizenScope } from '../session/session.auth.js';
import { AssuranceSchema, citizenSecurity } from '../session/session.schemas.js';
import { Issued, readSubmission, refuseOversized, registerFrameUploads } from './video-check.http.js';

const tags = ['digital profile'];
const CheckParams = Type.Object({ checkId: Type.String({ maxLength: 64 }) });
const StepUpResult = Type.Object({
  outcome: Type.Union(['PASSED', 'RETRY', 'LOCKED'].map((o) => Type.Literal(o))),
  assurance: AssuranceSchema,
  assuranceUntil: Type.Optional(Type.String({ format: 'date-time', description: 'Until when the session is at high' })),
  reasons: Type.Array(Type.String(), {
    description:
      'For RETRY/LOCKED: the check\'s own (NO_FACE, MULTIPLE_FACES, FACE_TOO_SMALL, FACE_NOT_CENTERED, POOR_LIGHTING, BLURRY, CHALLENGE_NOT_MET, SPOOF_SUSPECTED, TIMESTAMPS_IMPLAUSIBLE) or, for a live face, FACE_MISMATCH, NO_ACTIVE_EVIDENCE, REFERENCE_UNUSABLE, NO_REFERENCE_FACE',
  }),
  attemptsLeft: Type.Integer(),
  lockedUntil: Type.Optional(Type.String({ format: 'date-time' })),
});

export function stepUpRoutes(ctx: AppContext, { stepUps, videoChecks: checks, sessions }: Pick<Services, 'stepUps' | 'videoChecks' | 'sessions'>): FastifyPluginAsync {
  return async (app) => {
    await prepareCitizenScope(app);
    const vc = ctx.config.videoCheck;
    await registerFrameUploads(app, vc);
    const guard = citizenGuard(sessions);

    app.post(
      '/me/step-up',
      {
        onRequest: guard,
        schema: {
          tags,
          summary: "Start a face step-up: a video check against the Digital ID's enrolled face (the registry photo for one made before faces were kept); its challenges and capture limits",
          security: citizenSecurity,
          response: { 201: Issued, 401: errorRef, 403: errorRef, 423: errorRef, 429: errorRef },
        },
      },
      async (request, reply) => reply.status(201).send(await stepUps.start(citizen(request), request.ip)),
    );

    app.post(
      '/me/step-up/:checkId',
      {
        onRequest: [guard, refuseOversized(vc)],
        schema: {
          tags,
          summary:
            'Submit the frames of a face step-up (multipart as the registration\'s video check); PASSED raises this session to assurance high for 15 minutes; a face that does not match is a failure (3 → locked 15 minutes)',
          consumes: ['multipart/form-data'],
          security: citizenSecurity,
          params: CheckParams,
          response: { 200: StepUpResult, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef, 410: errorRef, 423: errorRef },
        },
      },
      async (request) => {
        const { checkId } = request.params as { checkId: string };
        const { frames, timestamps } = await readSubmission(request, checks, vc);
        return stepUps.submit(citizen(request), checkId, frames, timestamps, request.ip);
      },
    );
  };
}
