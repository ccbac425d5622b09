// The one schema of an error response, {error:{code,message,details?}}, shared by every route's OpenAPI
// responses (registered once in app.ts; routes list their statuses with `errorRef`).
import { Type } from '@sinclair/typebox';
import { errorCatalogue, type ErrorCode } from './catalogue.js';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Unsafe<ErrorCode>({ type: 'string', enum: Object.keys(errorCatalogue), description: 'Stable machine code, e.g. IIN_CHECKSUM' }),
      message: Type.String({ description: 'Localized by Accept-Language (kk, ru, en)' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Per code, e.g. retryAfter (s), attemptsLeft, lockedUntil' })),
    }),
  },
  { $id: 'ErrorBody' },
);

/** A response that is an error body: `response: { 200: Ok, 404: errorRef, 409: errorRef }`. */
export const errorRef = Type.Ref('ErrorBody');
