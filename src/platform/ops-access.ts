// Who may read /metrics and the OpenAPI documentation. In production metrics are internal: they answer
// only with `Authorization: Bearer METRICS_TOKEN` (and not at all without one). The API documentation is
// public outside production; in production it follows API_DOCS (default protected by the same token).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from './config.js';
import { bearerMatches } from './crypto.js';
import { AppError } from './errors/app-error.js';

export type OpsAccess = 'open' | 'token' | 'off';

export function metricsAccess(config: Config): OpsAccess {
  if (config.ops.metricsToken !== null) return 'token';
  return config.env === 'production' ? 'off' : 'open';
}

export function apiDocsAccess(config: Config): OpsAccess {
  switch (config.ops.apiDocs) {
    case 'public':
      return 'open';
    case 'off':
      return 'off';
    case 'protected':
      return config.ops.metricsToken !== null ? 'token' : 'off';
  }
}

/** onRequest hook: 401 (with a Bearer challenge) unless the operations token is presented. */
export function requireOpsToken(config: Config) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = config.ops.metricsToken;
    if (token === null || !bearerMatches(request.headers.authorization, token)) {
      throw new AppError('OPS_UNAUTHORIZED', undefined, { 'www-authenticate': 'Bearer realm="digital-id-ops"' });
    }
  };
}
