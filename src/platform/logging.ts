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

// Query strings can carry a phone (the dev outbox) or other identifiers: request logs keep the path only.
const serializers = {
  req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({ id: req.id, method: req.method, path: req.url?.split('?')[0], ip: req.ip }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: pino.stdSerializers.err,
};

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[masked]' }, serializers };
  return destination ? pino(options, destination) : pino(options);
}
