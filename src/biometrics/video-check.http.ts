// HTTP pieces every video-check route shares (the registration's check, the face step-up): the issued
// check's and the result's schemas, the multipart upload of frames and its limits.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors/app-error.js';
import { CHALLENGES } from './challenges.rules.js';
import type { VideoCheckService } from './video-check.service.js';

export const Issued = Type.Object({
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
export const Result = Type.Object({
  outcome: Type.Union(['PASSED', 'RETRY', 'UNDER_REVIEW', 'LOCKED'].map((o) => Type.Literal(o))),
  reasons: Type.Array(Type.String(), { description: 'For RETRY/LOCKED: NO_FACE, MULTIPLE_FACES, FACE_TOO_SMALL, FACE_NOT_CENTERED, POOR_LIGHTING, BLURRY, CHALLENGE_NOT_MET, SPOOF_SUSPECTED, TIMESTAMPS_IMPLAUSIBLE' }),
  attemptsLeft: Type.Integer(),
  lockedUntil: Type.Optional(Type.String({ format: 'date-time' })),
});

// Multipart part-size overhead allowance per frame (headers, boundary).
const PART_OVERHEAD_BYTES = 1024;
const FIELDS_BYTES = 64 * 1024;

/** Registers multipart parsing with the capture limits in this plugin scope. */
export async function registerFrameUploads(app: FastifyInstance, vc: Config['videoCheck']): Promise<void> {
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
}

/** onRequest hook: refuses an oversized upload by its declared length before reading it. */
export function refuseOversized(vc: Config['videoCheck']) {
  const maxBody = vc.capture.maxFrames * (vc.capture.maxFrameBytes + PART_OVERHEAD_BYTES) + FIELDS_BYTES;
  return async (request: FastifyRequest) => {
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > maxBody) throw new AppError('BODY_TOO_LARGE');
  };
}

/** Reads a multipart submission: repeated `frames` JPEG parts and `timestamps` (JSON), checked by the service. */
export async function readSubmission(request: FastifyRequest, service: VideoCheckService, vc: Config['videoCheck']): Promise<{ frames: Buffer[]; timestamps: number[] }> {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
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
  return { frames, timestamps: service.validateSubmission(frames, timestamps) };
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
