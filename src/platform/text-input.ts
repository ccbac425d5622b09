// One rule for every text the API receives: no NUL and no other control characters (tab, line feed and
// carriage return excepted, for notes). PostgreSQL refuses NUL in text, and the rest have no business in
// names, codes or notes. Checked once for all routes, before schema validation.
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors/app-error.js';

const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The path (a.b[2]) of the first string, or object key, with a forbidden character; null when clean. */
export function findControlCharacter(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return FORBIDDEN.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findControlCharacter(value[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (FORBIDDEN.test(key)) return path || 'body';
    const found = findControlCharacter(item, keyPath);
    if (found !== null) return found;
  }
  return null;
}

export function refuseControlCharacters(app: FastifyInstance): void {
  // A callback hook (no promise per request): it runs on every request.
  app.addHook('preValidation', (request, _reply, done) => {
    for (const part of [request.params, request.query, request.body]) {
      const field = findControlCharacter(part);
      if (field !== null) {
        const name = field.replace(/[^\w.[\]-]/g, '?') || 'body';
        done(new AppError('VALIDATION_FAILED', { field: name, reason: `${name}: control characters are not allowed` }));
        return;
      }
    }
    done();
  });
}
