// The one place that chooses the registry implementation.
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import type { RegistryGateway } from './registry.gateway.js';
import { EmbeddedRegistryGateway } from './embedded-registry.gateway.js';
import { HttpRegistryGateway } from './http-registry.gateway.js';

export function createRegistryGateway(config: Config, db: Db): RegistryGateway {
  if (config.registry.provider === 'http') {
    // loadConfig refuses provider=http without a URL; this guards callers that build Config by hand.
    if (!config.registry.url) throw new Error('REGISTRY_URL is required when REGISTRY_PROVIDER=http');
    return new HttpRegistryGateway({ baseUrl: config.registry.url, timeoutMs: config.registry.timeoutMs });
  }
  return new EmbeddedRegistryGateway(db, config.encryptionKey);
}
