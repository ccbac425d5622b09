// Serves the citizen's web wizard (the Vite build in dist/web) and the face-detection files its video
// step loads lazily: Human's models and tfjs' WASM binaries, straight from node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { AppContext } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import { LANGUAGES, type Language } from '../platform/config.js';
import { contentSecurityPolicy, routeCsp } from '../platform/security-headers.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface WebPaths {
  /** The Vite build output. */
  distDir: string;
  humanModelsDir: string;
  tfjsWasmDir: string;
}

export const defaultWebPaths: WebPaths = {
  distDir: path.join(repoRoot, 'dist/web'),
  humanModelsDir: path.join(repoRoot, 'node_modules/@vladmandic/human/models'),
  tfjsWasmDir: path.join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
};

// Vite puts content-hashed files in assets/: they never change under the same name.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Model files change only with the package version; a week keeps a returning phone from refetching megabytes.
const MODELS = 'public, max-age=604800';
const REVALIDATE = 'no-cache';

const MODEL_FILE = /^[\w.-]+\.(?:json|bin)$/;
const WASM_FILE = /^[\w.-]+\.wasm$/;
const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Digital ID</title>' +
  '<p>The web app is not built yet: run <code>npm run build:web</code> (or <code>npm start</code>, which builds it).</p></html>';

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** index.html with the configured support-centre addresses (one per language), which the app reads from meta tags. */
function renderIndex(distDir: string, supportUrl: string, supportUrls: Record<Language, string>): string | null {
  const file = path.join(distDir, 'index.html');
  if (!fs.existsSync(file)) return null;
  let html = fs.readFileSync(file, 'utf8').replace(/(<meta name="support-url" content=")[^"]*(")/, `$1${escapeAttribute(supportUrl)}$2`);
  for (const language of LANGUAGES) {
    html = html.replace(new RegExp(`(<meta name="support-url-${language}" content=")[^"]*(")`), `$1${escapeAttribute(supportUrls[language])}$2`);
  }
  return html;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function webRoutes(ctx: Pick<AppContext, 'config'>, paths: WebPaths = defaultWebPaths): FastifyPluginAsync {
  return async (app) => {
    const distDir = path.resolve(paths.distDir);
    // index.html is small: read it per request so a rebuilt app is served without a restart.
    const sendIndex = (reply: FastifyReply) => {
      const html = renderIndex(distDir, ctx.config.supportUrl, ctx.config.supportUrls);
      if (html === null) return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      return reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').send(html);
    };

    // serve: false: only reply.sendFile, so the catch-all below decides between a file and the SPA page.
    await app.register(fastifyStatic, { root: distDir, serve: false, preCompressed: true });

    app.get<{ Params: { file: string } }>('/models/human/:file', { schema: { hide: true } }, (request, reply) => {
      if (!MODEL_FILE.test(request.params.file) || !isFile(path.join(paths.humanModelsDir, request.params.file))) throw new AppError('NOT_FOUND');
      reply.header('cache-control', MODELS);
      return reply.sendFile(request.params.file, paths.humanModelsDir, { cacheControl: false });
    });

    app.get<{ Params: { file: string } }>('/models/tfjs-wasm/:file', { schema: { hide: true } }, (request, reply) => {
      if (!WASM_FILE.test(request.params.file) || !isFile(path.join(paths.tfjsWasmDir, request.params.file))) throw new AppError('NOT_FOUND');
      reply.header('cache-control', MODELS).type('application/wasm');
      return reply.sendFile(request.params.file, paths.tfjsWasmDir, { cacheControl: false, contentType: false });
    });

    app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));

    // The consent page shows the service's logo from the service's own https address (no referrer sent).
    const consentCsp = { ...contentSecurityPolicy(ctx.config), 'img-src': ["'self'", 'data:', 'blob:', 'https:'] };
    app.get('/consent/:uid', { schema: { hide: true }, config: routeCsp(consentCsp) }, (_request, reply) => sendIndex(reply));

    app.get<{ Params: { '*': string } }>('/*', { schema: { hide: true } }, (request, reply) => {
      const urlPath = request.params['*'];
      // API and model addresses are never pages: a name the routes above do not take (over Fastify's
      // parameter length, say) is a 404, not the app's HTML.
      if (/^(?:api|models)(?:\/|$)/.test(urlPath)) throw new AppError('NOT_FOUND');
      const file = path.resolve(distDir, urlPath);
      if (file.startsWith(distDir + path.sep) && isFile(file)) {
        // Precompressed variants (.br/.gz) are chosen by Accept-Encoding: caches must key on it.
        reply.header('cache-control', urlPath.startsWith('assets/') ? IMMUTABLE : REVALIDATE).header('vary', 'accept-encoding');
        return reply.sendFile(urlPath, { cacheControl: false });
      }
      // A missing script or image must not come back as HTML; a missing page is a route of the SPA.
      if (path.extname(urlPath) !== '') throw new AppError('NOT_FOUND');
      return sendIndex(reply);
    });
  };
}
