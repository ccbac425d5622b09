import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import { requestLanguage } from '../platform/error-handler.js';
import { errorRef } from '../platform/errors/error-body.js';
import { isLanguage } from '../platform/i18n.js';
import { RegistrationState } from './registration.rules.js';
import { authorizeRegistration, type RegistrationRow } from './registration.service.js';


const OtpTiming = Type.Object({ expiresAt: Type.String({ format: 'date-time' }), resendAvailableAt: Type.String({ format: 'date-time' }) });
const StateEnum = Type.Union(Object.values(RegistrationState).map((s) => Type.Literal(s)));
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
type IdParams = Static<typeof IdParams>;

const StartBody = Type.Object(
  {
    phone: Type.String({ maxLength: 40, description: 'Kazakhstan mobile number in any common format' }),
    language: Type.Optional(Type.String({ maxLength: 5, description: 'kk, ru or en; defaults to Accept-Language' })),
  },
  { additionalProperties: false },
);
const OtpBody = Type.Object({ code: Type.String({ maxLength: 12 }) }, { additionalProperties: false });
const IinBody = Type.Object({ iin: Type.String({ maxLength: 32 }) }, { additionalProperties: false });

const Registration = Type.Object({
  id: Type.String(),
  state: StateEnum,
  phone: Type.String({ description: 'masked' }),
  language: Type.String(),
  person: Type.Union([Type.Null(), Type.Object({ maskedName: Type.String() })]),
  expiresAt: Type.String({ format: 'date-time' }),
  lockedUntil: Type.Union([Type.Null(), Type.String({ format: 'date-time' })], {
    description: 'While set, video checks are refused (423) for this person (IIN) and phone, in every registration of theirs',
  }),
  attemptsLeft: Type.Integer({ minimum: 0, description: 'Failed video checks left before the lock; kept per person (IIN) and phone' }),
  rejectionReason: Type.Union([Type.Null(), Type.String()]),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
});

const secured = [{ registrationToken: [] }];
const tags = ['registration'];

export function registrationRoutes(ctx: AppContext, { registrations: service }: Pick<Services, 'registrations'>): FastifyPluginAsync {
  return async (app) => {
    // Authorisation runs before body validation, so a caller without the token learns nothing about the body.
    const authorizedRegistrations = new WeakMap<FastifyRequest, RegistrationRow>();
    const onRequest = async (request: FastifyRequest) => {
      const { id } = request.params as IdParams;
      authorizedRegistrations.set(request, await authorizeRegistration(ctx, id, request.headers.authorization));
    };
    // A finished registration's token still reads its outcome; it opens no step.
    const onRead = async (request: FastifyRequest) => {
      const { id } = request.params as IdParams;
      authorizedRegistrations.set(request, await authorizeRegistration(ctx, id, request.headers.authorization, { allowFinished: true }));
    };
    const authorize = async (request: FastifyRequest) => authorizedRegistrations.get(request)!;
    // A step that checks the token inside its own statement (one round trip) has no onRequest hook: an
    // error before its handler (a body that does not parse or validate) is answered only after the
    // token was checked, so such a caller still learns nothing about the body.
    const stepsReached = new WeakSet<FastifyRequest>();
    const reached = (request: FastifyRequest) => stepsReached.add(request);
    const authorizeFirst = async (error: Error, request: FastifyRequest) => {
      if (!stepsReached.has(request)) await authorizeRegistration(ctx, (request.params as IdParams).id, request.headers.authorization);
      throw error;
    };

    app.post<{ Body: Static<typeof StartBody> }>(
      '/registrations',
      {
        schema: {
          tags,
          summary: 'Start a registration: sends a one-time code by SMS to the phone',
          body: StartBody,
          response: {
            201: Type.Object({ id: Type.String(), token: Type.String({ description: 'Bearer token for the next steps' }), state: StateEnum, otp: OtpTiming }),
            400: errorRef,
            422: errorRef,
            429: errorRef,
          },
        },
      },
      async (request, reply) => {
        const language = isLanguage(request.body.language) ? request.body.language : requestLanguage(request, ctx.config.defaultLanguage);
        const result = await service.start({ phone: request.body.phone, language, clientIp: request.ip });
        return reply.status(201).send(result);
      },
    );

    app.post<{ Params: IdParams }>(
      '/registrations/:id/otp/resend',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Send a new code (after the cooldown); the previous code stops working',
          params: IdParams,
          security: secured,
          response: { 200: Type.Object({ otp: OtpTiming }), 401: errorRef, 404: errorRef, 409: errorRef, 410: errorRef, 429: errorRef },
        },
      },
      async (request) => service.resendOtp(await authorize(request), request.ip),
    );

    app.post<{ Params: IdParams; Body: Static<typeof OtpBody> }>(
      '/registrations/:id/otp',
      {
        errorHandler: authorizeFirst,
        schema: {
          tags,
          summary: 'Check the one-time code',
          params: IdParams,
          body: OtpBody,
          security: secured,
          response: { 200: Type.Object({ state: StateEnum }), 401: errorRef, 409: errorRef, 410: errorRef, 422: errorRef, 429: errorRef },
        },
      },
      async (request) => {
        reached(request);
        return service.verifyOtp(request.params.id, request.headers.authorization, request.body.code, request.ip);
      },
    );

    app.post<{ Params: IdParams; Body: Static<typeof IinBody> }>(
      '/registrations/:id/iin',
      {
        errorHandler: authorizeFirst,
        schema: {
          tags,
          summary: 'Submit the IIN: validated, then checked in the population registry and in BMG against the proven phone',
          params: IdParams,
          body: IinBody,
          security: secured,
          response: {
            200: Type.Object({
              state: StateEnum,
              person: Type.Object({ maskedName: Type.String() }),
              lockedUntil: Type.Union([Type.Null(), Type.String({ format: 'date-time' })], { description: "The person's video-check lock, if one is in force" }),
              attemptsLeft: Type.Integer({ minimum: 0, description: 'Failed video checks left before the lock' }),
            }),
            401: errorRef,
            404: errorRef,
            409: errorRef,
            410: errorRef,
            422: errorRef,
            429: errorRef,
            503: errorRef,
          },
        },
      },
      async (request) => {
        reached(request);
        return service.submitIin(request.params.id, request.headers.authorization, request.body.iin, request.ip);
      },
    );

    app.get<{ Params: IdParams }>(
      '/registrations/:id',
      {
        onRequest: onRead,
        schema: { tags, summary: 'The registration and its state', params: IdParams, security: secured, response: { 200: Registration, 401: errorRef, 404: errorRef, 410: errorRef } },
      },
      async (request) => service.describe(await authorize(request)),
    );
  };
}
