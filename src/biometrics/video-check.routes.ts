// HTTP of the registration's video check: issue a check, then submit its frames (multipart). Thin: the service decides.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { authorizeRegistration, type RegistrationRow } from '../registration/registration.service.js';
import { registrationCheck } from './registration-check.js';
import { Issued, readSubmission, refuseOversized, registerFrameUploads, Result } from './video-check.http.js';

const tags = ['video check'];
const secured = [{ registrationToken: [] }];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CheckParams = Type.Object({ id: Type.String({ maxLength: 64 }), checkId: Type.String({ maxLength: 64 }) });

/** The video check's routes; the engine pool and the retention job belong to the composition root (server.ts). */
export function videoCheckRoutes(ctx: AppContext, { videoChecks: service, moderation }: Pick<Services, 'videoChecks' | 'moderation'>): FastifyPluginAsync {
  return async (app) => {
    const vc = ctx.config.videoCheck;
    await registerFrameUploads(app, vc);

    const authorized = new WeakMap<FastifyRequest, RegistrationRow>();
    const authorize = async (request: FastifyRequest) => {
      const { id } = request.params as { id: string };
      authorized.set(request, await authorizeRegistration(ctx, id, request.headers.authorization));
    };

    app.post(
      '/registrations/:id/video-checks',
      {
        onRequest: authorize,
        schema: { tags, summary: 'Start a video check: its challenges and capture limits', security: secured, params: IdParams, response: { 201: Issued } },
      },
      async (request, reply) => reply.status(201).send(await service.issue(registrationCheck(ctx, moderation, authorized.get(request)!), { clientIp: request.ip })),
    );

    app.post(
      '/registrations/:id/video-checks/:checkId',
      {
        onRequest: [authorize, refuseOversized(vc)],
        schema: {
          tags,
          summary: 'Submit the frames of a video check (multipart: repeated `frames` JPEG parts in capture order, `timestamps` = JSON array of capture times in ms)',
          consumes: ['multipart/form-data'],
          security: secured,
          params: CheckParams,
          response: { 200: Result },
        },
      },
      async (request) => {
        const { checkId } = request.params as { checkId: string };
        const { frames, timestamps } = await readSubmission(request, service, vc);
        return service.submit(registrationCheck(ctx, moderation, authorized.get(request)!), checkId, frames, timestamps, { clientIp: request.ip });
      },
    );
  };
}
