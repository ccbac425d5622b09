// The HTTP application: plugins, documentation, health and metrics, and each domain's routes.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppContext, Services } from './app-context.js';
import type { TrustProxy } from './platform/config.js';
import { installErrorHandler } from './platform/error-handler.js';
import { AppError } from './platform/errors/app-error.js';
import { ErrorBody, errorRef } from './platform/errors/error-body.js';
import { requestLogger, type Logger } from './platform/logging.js';
import { isLoopbackAddress } from './platform/network.rules.js';
import { apiDocsAccess, metricsAccess, requireOpsToken } from './platform/ops-access.js';
import { adaptSwaggerCsp, registerSecurityHeaders } from './platform/security-headers.js';
import { refuseControlCharacters } from './platform/text-input.js';
import { checkReadiness } from './platform/readiness.js';
import { registrationRoutes } from './registration/registration.routes.js';
import { videoCheckRoutes } from './biometrics/video-check.routes.js';
import { staffRoutes } from './staff/staff.routes.js';
import { assistantRoutes } from './assistant/assistant.routes.js';
import { moderationRoutes } from './moderation/moderation.routes.js';
import { smsRoutes } from './sms/sms.routes.js';
import { webRoutes } from './web/web.routes.js';
import { sessionRoutes } from './session/session.routes.js';
import { passkeyRoutes } from './session/passkey.routes.js';
import { digitalIdStaffRoutes, profileRoutes } from './profile/profile.routes.js';
import { oidcRoutes } from './oidc/oidc.routes.js';
import { interactionRoutes } from './oidc/interaction.routes.js';
import { stepUpRoutes } from './biometrics/step-up.routes.js';
import { phoneChangeRoutes } from './profile/phone-change.routes.js';
import { grantRoutes } from './oidc/grant.routes.js';
import { oidcClientStaffRoutes } from './oidc/oidc-client.routes.js';

export const JSON_BODY_LIMIT = 16 * 1024;

/** How often Node checks the header and request timeouts of open connections. */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

export async function buildApp(ctx: AppContext, services: Services): Promise<FastifyInstance> {
  const { http } = ctx.config;
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    childLoggerFactory: (logger, bindings, options) => requestLogger(logger as Logger, bindings, options) as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    // The client address is the one the last trusted proxy saw, never the leftmost X-Forwarded-For.
    trustProxy: fastifyTrustProxy(http.trustProxy),
    // Slow clients are cut off: the head within headersTimeout, the whole request within requestTimeout,
    // an unused keep-alive connection after keepAliveTimeout. No socket inactivity timeout: it would also
    // cut a request the server is still working on (a video check under load), and the browser would
    // then send the POST again.
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: { headersTimeout: http.headersTimeoutMs, connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, http.headersTimeoutMs) },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  installErrorHandler(app, ctx.config.defaultLanguage);
  refuseControlCharacters(app);
  await registerSecurityHeaders(app, ctx.config);
  warnWhenDevelopmentIsExposed(app, ctx);

  // Hooks on every request take a callback: an async hook costs a promise and Fastify's wrapping of it.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  app.addSchema(ErrorBody);
  await app.register(swagger, {
    // Shared schemas keep their $id as their name in the document (components.schemas.ErrorBody).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      info: {
        title: 'Digital ID',
        version: '1.0.0',
        description:
          'National digital-identity registration: phone + SMS code, IIN checked against the Mobile Citizens Database, video check against the registry photo. Errors are {error:{code,message,details?}}; messages follow Accept-Language (kk, ru, en; default ru).',
      },
      components: {
        securitySchemes: {
          registrationToken: { type: 'http', scheme: 'bearer', description: 'The token returned when the registration was started' },
          staffSession: { type: 'apiKey', in: 'cookie', name: 'digitalid_staff', description: 'Staff session cookie (password + TOTP login)' },
          citizenSession: { type: 'apiKey', in: 'cookie', name: 'did_session', description: "The citizen's session cookie (sign-in with an SMS code); writes also need the x-csrf-token header" },
        },
      },
    },
  });
  const docs = apiDocsAccess(ctx.config);
  if (docs !== 'off') {
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      staticCSP: true,
      transformStaticCSP: adaptSwaggerCsp(ctx.config),
      uiHooks: docs === 'token' ? { onRequest: requireOpsToken(ctx.config) } : {},
    });
  }

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const readiness = await checkReadiness(ctx.db, ctx.dbKind);
    return reply.status(readiness.status === 'ready' ? 200 : 503).send(readiness);
  });
  const metrics = metricsAccess(ctx.config);
  app.get('/metrics', { schema: { hide: true }, onRequest: metrics === 'token' ? requireOpsToken(ctx.config) : [] }, async (_request, reply) => {
    // Off (production without METRICS_TOKEN): a plain 404, not the web app's page.
    if (metrics === 'off') throw new AppError('NOT_FOUND');
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  // Every API route answers its errors as ErrorBody: routes list the statuses they expect, and any other
  // 4xx/5xx is documented (and serialized) with the same schema.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.schema?.hide) return;
    route.schema = { ...route.schema, response: { '4xx': errorRef, '5xx': errorRef, ...(route.schema?.response as Record<string, unknown> | undefined) } };
  });

  await app.register(registrationRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(staffRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(assistantRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(moderationRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(smsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(videoCheckRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(sessionRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(passkeyRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(profileRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(digitalIdStaffRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(interactionRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(grantRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(oidcClientStaffRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(oidcRoutes(ctx, services.oidc));
  await app.register(stepUpRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(phoneChangeRoutes(ctx, services), { prefix: '/api/v1' });
  await app.register(webRoutes(ctx)); // the citizen's web app at /, after every API route
  return app;
}

/**
 * Fastify refuses to trust a bare hop count (it cannot tell the proxy from a direct client), so N hops
 * become "the N nearest addresses are proxies": the client is the address the Nth proxy saw. Deploy a
 * hop count only where clients cannot reach the server except through the proxies; else list them.
 */
function fastifyTrustProxy(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return trust === 0 ? false : (_address, hop) => hop < trust;
  return trust;
}

/** Outside production the keys are derived from their names and the SMS outbox is public: say so loudly. */
function warnWhenDevelopmentIsExposed(app: FastifyInstance, ctx: AppContext): void {
  if (ctx.config.env === 'production') return;
  app.addHook('onListen', async () => {
    const exposed = app
      .addresses()
      .flatMap((a) => (typeof a === 'string' ? [] : [a.address])) // a string is a local socket path
      .filter((address) => !isLoopbackAddress(address));
    if (exposed.length === 0) return;
    ctx.logger.warn(
      { env: ctx.config.env, addresses: exposed },
      `!!! NODE_ENV=${ctx.config.env} is listening on a non-loopback address (${exposed.join(', ')}): ` +
        'its keys are derived from their names and the SMS outbox with one-time codes is public. ' +
        'Set NODE_ENV=production with real keys, or HOST=127.0.0.1. !!!',
    );
  });
}
