// HTTP of the video check: issue a check, then submit its frames (multipart). Thin: the service decides.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import { authorizeRegistration, type RegistrationRow } from '../registration/registration.service.js';
import { CHALLENGES } from './challenges.rules.js';
import { VideoCheckService } from './video-check.service.js';

const tags = ['video check'];
const secured = [{ registrationToken: [] }];
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CheckParams = Type.Object({ id: Type.String({ maxLength: 64 }), checkId: Type.String({ maxLength: 64 }) });
const Issued = Type.Object({
  checkId: Type.String(),
  challenges: Type.Array(Type.Union(CHALLENGES.map((c) => Type.Literal(c))), { description: 'Perform in this order; empty = passive check' }),
  expiresAt: Type.String({ format: 'date-time' }),
  capture: Type.Object({
    minFrames: Type.Integer(),
    maxFrames: Type.Integer(),
    maxFrameBytes: Type.Integer(),
    fps: Type.Integer(),
    challengeWindowMs: Type.Integer({
      description: 'Each challenge has its own slot of this length, in order, from the first frame: show prompt k during slot k; a move made outside its slot does not count',
    }),
    passiveMs: Type.Integer({ description: 'Length of a passive check (no challenges): look at the camera naturally' }),
  }),
});
const Result = Type.Object({
  outcome: Type.Union(['PASSED', 'RETRY', 'UNDER_REVIEW', 'LOCKED'].map((o) => Type.Literal(o))),
  reasons: Type.Array(Type.String(), { description: 'For RETRY/LOCKED: NO_FACE, MULTIPLE_FACES, FACE_TOO_SMALL, FACE_NOT_CENTERED, POOR_LIGHTING, BLURRY, CHALLENGE_NOT_MET, SPOOF_SUSPECTED, TIMESTAMPS_IMPLAUSIBLE' }),
  attemptsLeft: Type.Integer(),
  lockedUntil: Type.Optional(Type.String({ format: 'date-time' })),
});

// Multipart part-size overhead allowance per frame (headers, boundary).
const PART_OVERHEAD_BYTES = 1024;
const FIELDS_BYTES = 64 * 1024;

/** The video check's routes; the engine pool and the retention job belong to the composition root (server.ts). */
export function videoCheckRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const vc = ctx.config.videoCheck;
    const service = new VideoCheckService(ctx, ctx.engine);

    await app.register(multipart, {
      limits: {
        fileSize: vc.capture.maxFrameBytes,
        files: vc.capture.maxFrames,
        fields: 4,
        fieldSize: FIELDS_BYTES,
        parts: vc.capture.maxFrames + 4,
        headerPairs: 50,
      },
    });

    const authorized = new WeakMap<FastifyRequest, RegistrationRow>();
    const authorize = async (request: FastifyRequest) => {
      const { id } = request.params as { id: string };
      authorized.set(request, await authorizeRegistration(ctx, id, request.headers.authorization));
    };
    const maxBody = vc.capture.maxFrames * (vc.capture.maxFrameBytes + PART_OVERHEAD_BYTES) + FIELDS_BYTES;

    app.post(
      '/registrations/:id/video-checks',
      {
        onRequest: authorize,
        schema: { tags, summary: 'Start a video check: its challenges and capture limits', security: secured, params: IdParams, response: { 201: Issued } },
      },
      async (request, reply) => reply.status(201).send(await service.issue(authorized.get(request)!, { clientIp: request.ip })),
    );

    app.post(
      '/registrations/:id/video-checks/:checkId',
      {
        onRequest: [
          authorize,
          // Refuse an oversized upload by its declared length before reading it.
          async (request) => {
            const length = Number(request.headers['content-length'] ?? 0);
            if (length > maxBody) throw new AppError('BODY_TOO_LARGE');
          },
        ],
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
        if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
        const { checkId } = request.params as { checkId: string };
        const frames: Buffer[] = [];
        let timestampsText: string | null = null;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              const bytes = await part.toBuffer();
              if (part.fieldname === 'frames') frames.push(bytes);
            } else if (part.fieldname === 'timestamps') {
              timestampsText = String(part.value);
            }
          }
        } catch (err) {
          throw multipartError(err, vc.capture);
        }
        let timestamps: unknown = null;
        try {
          timestamps = timestampsText === null ? null : JSON.parse(timestampsText);
        } catch {
          throw new AppError('INVALID_TIMESTAMPS');
        }
        const validTimestamps = service.validateSubmission(frames, timestamps);
        return service.submit(authorized.get(request)!, checkId, frames, validTimestamps, { clientIp: request.ip });
      },
    );
  };
}

function multipartError(err: unknown, capture: { maxFrames: number; maxFrameBytes: number }): AppError | unknown {
  if (err instanceof AppError) return err;
  switch ((err as { code?: string })?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('FRAME_TOO_LARGE', { maxFrameBytes: capture.maxFrameBytes });
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('TOO_MANY_FRAMES', { maxFrames: capture.maxFrames });
    case 'FST_FIELDS_LIMIT':
      return new AppError('BODY_TOO_LARGE');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
  }
  // A malformed multipart body (busboy parse errors) is the client's fault.
  const message = String((err as Error)?.message ?? '');
  if (/multipart|boundary|unexpected end|part/i.test(message)) return new AppError('VALIDATION_FAILED', { reason: 'malformed multipart body' });
  return err;
}
