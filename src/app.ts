// The HTTP application: plugins, documentation, health and metrics, and each domain's routes.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppContext } from './app-context.js';
import { installErrorHandler } from './platform/error-handler.js';
import { checkReadiness } from './platform/readiness.js';
import { registrationRoutes } from './registration/registration.routes.js';
import { videoCheckRoutes } from './biometrics/video-check.routes.js';
import { staffRoutes } from './staff/staff.routes.js';
import { assistantRoutes } from './assistant/assistant.routes.js';
import { moderationRoutes } from './moderation/moderation.routes.js';
import { smsRoutes } from './sms/sms.routes.js';
import { webRoutes } from './web/web.routes.js';

export const JSON_BODY_LIMIT = 16 * 1024;

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: process.env.TRUST_PROXY === '1',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  installErrorHandler(app, ctx.config.defaultLanguage);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
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
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const readiness = await checkReadiness(ctx.db, ctx.dbKind);
    return reply.status(readiness.status === 'ready' ? 200 : 503).send(readiness);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });

  await app.register(registrationRoutes(ctx), { prefix: '/api/v1' });
  await app.register(staffRoutes(ctx), { prefix: '/api/v1' });
  await app.register(assistantRoutes(ctx), { prefix: '/api/v1' });
  await app.register(moderationRoutes(ctx), { prefix: '/api/v1' });
  await app.register(smsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(videoCheckRoutes(ctx), { prefix: '/api/v1' });
  await app.register(webRoutes(ctx)); // the citizen's web app at /, after every API route
  return app;
}
