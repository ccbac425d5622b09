// Browser-facing security headers for every answer (@fastify/helmet), from one policy.
// The citizen's app has no inline script or style; its face guidance runs tfjs' WASM backend, which
// compiles WebAssembly ('wasm-unsafe-eval') and may start blob: workers. Nothing may frame our pages.
import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import type { Config } from './config.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This route's own Content-Security-Policy header (see routeCsp). */
    csp?: string;
  }
}

export function isHttps(config: Config): boolean {
  return config.http.publicUrl.startsWith('https://');
}

export function contentSecurityPolicy(config: Config): Record<string, string[]> {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:', 'mediastream:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (isHttps(config)) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/** Swagger UI sends its own CSP (hashes of its inline parts): keep it, but never framed nor upgraded on http. */
export function adaptSwaggerCsp(config: Config): (header: string) => string {
  return (header) => {
    let csp = header.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'");
    if (!isHttps(config)) csp = csp.replace(/\s*upgrade-insecure-requests;?/, '');
    return csp;
  };
}

/** The Content-Security-Policy header for these directives, written as helmet writes it. */
export function serializeCsp(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => (values.length > 0 ? `${name} ${values.join(' ')}` : name))
    .join(';');
}

/**
 * A route whose page needs a wider policy than the app's (the provider's own pages, the consent page's
 * logos) names it in its config: `{ config: routeCsp({...}) }`. Serialised once, at registration.
 */
export function routeCsp(directives: Record<string, string[]>): { csp: string } {
  return { csp: serializeCsp(directives) };
}

export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const headers = await helmetHeaders(config);
  // Only our own pages may use the camera; nothing needs the microphone or location.
  headers.push(['permissions-policy', 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()']);
  // Set on the raw response, as helmet does: a route's own header (Swagger UI's CSP) still overrides them.
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    const own = request.routeOptions.config?.csp;
    if (own) reply.raw.setHeader('content-security-policy', own);
    done();
  });
}

/**
 * The headers helmet sets, computed once. @fastify/helmet builds a new helmet middleware (and parses
 * the CSP directives again) on every request; the headers do not depend on the request (no nonces),
 * so they are taken once from a throwaway app and set by one hook.
 */
async function helmetHeaders(config: Config): Promise<Array<[string, string | string[]]>> {
  const probe = Fastify();
  await probe.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    // Only over https: on plain http the header is ignored at best and pins a wrong scheme at worst.
    strictTransportSecurity: isHttps(config) ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  probe.get('/', async (_request, reply) => reply.raw.getHeaders());
  try {
    const res = await probe.inject({ method: 'GET', url: '/' });
    const set = res.json() as Record<string, string | string[]>;
    return Object.entries(set);
  } finally {
    await probe.close();
  }
}
