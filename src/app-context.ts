import type { Config } from './platform/config.js';
import type { Db } from './platform/db/database.js';
import type { Logger } from './platform/logging.js';
import type { Metrics } from './platform/metrics.js';
import type { RegistryGateway } from './registry/registry.gateway.js';
import type { SmsOutbound } from './sms/sms.outbound.js';
import type { EnginePool } from './biometrics/engine/engine.pool.js';
import type PgBoss from 'pg-boss';

/** Everything a route plugin or service may depend on, built once in server.ts. */
export interface AppContext {
  config: Config;
  db: Db;
  dbKind: 'pglite' | 'postgres';
  logger: Logger;
  metrics: Metrics;
  registry: RegistryGateway;
  sms: SmsOutbound;
  /** pg-boss on our own database: durable jobs (SMS sending, retention). */
  queue: PgBoss;
  /** The face engine's worker pool (started and closed by server.ts). */
  engine: EnginePool;
}
