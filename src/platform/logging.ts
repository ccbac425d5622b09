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

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[masked]' } });
}
