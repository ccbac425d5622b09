import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors/app-error.js';
import { isDatabaseUnavailable } from './db/database.js';
import { errorMessage, errorStatus } from './errors/catalogue.js';
import { negotiateLanguage } from './i18n.js';
import type { Language } from './config.js';

export function requestLanguage(request: FastifyRequest, fallback: Language): Language {
  return negotiateLanguage(request.headers['accept-language'], fallback);
}

function toAppError(err: FastifyError | AppError | Error): AppError | null {
  if (err instanceof AppError) return err;
  // Database down or restarting: a quick 503 the client may retry, not a 500.
  if (isDatabaseUnavailable(err)) return new AppError('SERVICE_UNAVAILABLE', undefined, { 'retry-after': '5' });
  const fe = err as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const field = (first?.instancePath || '').replace(/^\//, '').replace(/\//g, '.') || (first?.params as any)?.missingProperty || fe.validationContext || 'body';
    return new AppError('VALIDATION_FAILED', { field, reason: `${field}: ${first?.message ?? 'invalid'}` });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('MALFORMED_JSON');
  }
  if (err instanceof SyntaxError && fe.statusCode === 400) return new AppError('MALFORMED_JSON');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError(fe.statusCode === 413 ? 'BODY_TOO_LARGE' : fe.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : fe.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', {
      reason: fe.message,
    });
  }
  return null;
}

/** Renders every error as {error:{code,message,details?}} in the caller's language. */
export function installErrorHandler(app: FastifyInstance, defaultLanguage: Language): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(err);
    const language = requestLanguage(request, defaultLanguage);
    if (!appError) {
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ error: { code: 'INTERNAL_ERROR', message: errorMessage('INTERNAL_ERROR', language) } });
    }
    const status = errorStatus(appError.code);
    if (appError.headers) reply.headers(appError.headers);
    const body: { code: string; message: string; details?: Record<string, unknown> } = {
      code: appError.code,
      message: errorMessage(appError.code, language, appError.details),
    };
    if (appError.details && Object.keys(appError.details).length > 0) body.details = appError.details;
    return reply.status(status).send({ error: body });
  });
  app.setNotFoundHandler((request, reply) => {
    const language = requestLanguage(request, defaultLanguage);
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: errorMessage('NOT_FOUND', language) } });
  });
}
