// oidc-provider mounted under /oidc: Fastify hands the raw request over untouched (no body parsing, the
// reply hijacked) with the prefix taken off the URL, as a Koa mount would.
import type { IncomingMessage } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { contentSecurityPolicy, routeCsp } from '../platform/security-headers.js';
import type { OidcModule } from './oidc.module.js';
import { OIDC_PREFIX } from './oidc.provider.js';
import { PAGE_STYLE_SOURCE } from './provider-pages.js';
import { withRequestRecords } from './oidc-request-records.js';

export function oidcRoutes(ctx: AppContext, oidc: OidcModule): FastifyPluginAsync {
  return async (app) => {
    // The provider reads its own (form-encoded, JSON or JWT) bodies from the stream.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));

    // The provider's own pages (provider-pages.ts) have one inline stylesheet, allowed by its hash; its
    // form_post page has an inline script whose hash it adds to script-src itself. Their forms post to
    // the services' own addresses (form_post, the logout's return).
    const csp = { ...contentSecurityPolicy(ctx.config), 'style-src': ["'self'", PAGE_STYLE_SOURCE], 'form-action': ["'self'", 'https:', 'http:'] };
    const options = { schema: { hide: true }, config: routeCsp(csp) };

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      const full = raw.url ?? OIDC_PREFIX;
      raw.originalUrl = full;
      raw.url = full.slice(OIDC_PREFIX.length) || '/';
      reply.raw.once('finish', () => {
        raw.url = full;
      });
      withRequestRecords({ writeBehind: raw.url === '/token' }, () => oidc.handle(raw, reply.raw));
    };
    app.all(OIDC_PREFIX, options, handler);
    app.all(`${OIDC_PREFIX}/*`, options, handler);
  };
}
