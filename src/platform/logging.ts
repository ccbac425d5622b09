import pino, { type Logger } from 'pino';

export type { Logger };

// Defence in depth: code masks identifiers before logging, and these paths are censored anyway.
const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.phone',
  '*.iin',
  '*.code',
  '*.otp',
  '*.token',
  '*.password',
  'phone',
  'iin',
  'code',
  'token',
  'password',
];

/**
 * A path as request logs keep it: no query string (it can carry a phone: the dev outbox), and no bearer
 * handle (a sign-in's id, 256 bits in base64url: whoever holds it may enter the code) — such a segment
 * keeps its first 4 characters. Registration ids are UUIDs, not secrets (their token is a header).
 */
export function loggedPath(url: string | undefined): string | undefined {
  return url?.split('?')[0].replace(/(?<=\/)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{36,}(?=\/|$)/g, '$1…');
}

const serializers = {
  req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({ id: req.id, method: req.method, path: loggedPath(req.url), ip: req.ip }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: pino.stdSerializers.err,
};

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[masked]' }, serializers };
  return destination ? pino(options, destination) : pino(options);
}

const LOG_METHODS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * A request's logger (Fastify's `childLoggerFactory`). Fastify makes a pino child per request, to bind its
 * id; pino serialises the bindings at once. Where even `info` is off (the request lines are not written)
 * most requests log nothing, so the child is made only when the request first logs at an enabled level —
 * with the same bindings and options, so whatever is written is what the child would have written.
 */
export function requestLogger(parent: Logger, bindings: pino.Bindings, options: pino.ChildLoggerOptions): Logger {
  if (parent.isLevelEnabled('info') || options.level !== undefined) return parent.child(bindings, options);
  let child: Logger | undefined;
  const made = () => (child ??= parent.child(bindings, options));
  const lazy = Object.create(parent) as Logger;
  for (const method of LOG_METHODS) {
    lazy[method] = ((...args: Parameters<pino.LogFn>) => {
      if (parent.isLevelEnabled(method)) made()[method](...args);
    }) as pino.LogFn;
  }
  lazy.child = (childBindings, childOptions) => made().child(childBindings, childOptions);
  lazy.bindings = () => made().bindings();
  return lazy;
}
