// SMS routes: the development outbox (never in production) and, with the HTTP provider, the
// gateway's delivery-status callback.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../app-context.js';
import { bearerMatches } from '../platform/crypto.js';
import { AppError } from '../platform/errors/app-error.js';
import { errorRef } from '../platform/errors/error-body.js';
import { acceptHttpStatus, devOutbox } from './sms-callbacks.service.js';

const OutboxQuery = Type.Object(
  { phone: Type.String({ maxLength: 40, description: 'Kazakhstan mobile number in any common format or E.164' }) },
  { additionalProperties: false },
);
const OutboxMessage = Type.Object({
  id: Type.String(),
  phone: Type.String({ description: 'E.164' }),
  body: Type.String(),
  purpose: Type.String(),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const StatusBody = Type.Object(
  {
    messageId: Type.String({ minLength: 1, maxLength: 200, description: 'The messageId the gateway returned when it accepted the SMS' }),
    status: Type.String({ maxLength: 40, description: 'delivered | undeliverable | expired | rejected (or SMPP stat: DELIVRD, UNDELIV, …)' }),
    error: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export function smsRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    if (ctx.config.env !== 'production') {
      app.get<{ Querystring: Static<typeof OutboxQuery> }>(
        '/dev/sms',
        {
          schema: {
            tags: ['development'],
            summary: 'SMS sent to a phone, newest first (development outbox; absent in production)',
            querystring: OutboxQuery,
            response: { 200: Type.Object({ messages: Type.Array(OutboxMessage) }), 422: errorRef },
          },
        },
        async (request) => devOutbox(ctx, request.query.phone),
      );
    }

    const token = ctx.config.sms.http.token;
    if (ctx.config.sms.provider === 'http' && token) {
      app.post<{ Body: Static<typeof StatusBody> }>(
        '/sms/http/status',
        {
          schema: {
            tags: ['sms'],
            summary: 'Delivery status callback from the SMS HTTP gateway (Authorization: Bearer SMS_HTTP_TOKEN; docs/sms-http-contract.md)',
            body: StatusBody,
            response: { 202: Type.Object({ accepted: Type.Boolean() }), 401: errorRef },
          },
        },
        async (request, reply) => {
          if (!bearerMatches(request.headers.authorization, token)) throw new AppError('SMS_CALLBACK_UNAUTHORIZED');
          await acceptHttpStatus(ctx, request.body);
          return reply.status(202).send({ accepted: true });
        },
      );
    }
  };
}
