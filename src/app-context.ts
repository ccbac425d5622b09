import type { Config } from './platform/config.js';
import type { Db } from './platform/db/database.js';
import type { Logger } from './platform/logging.js';
import type { Metrics } from './platform/metrics.js';
import type { RegistryGateway } from './registry/registry.gateway.js';
import type { SmsOutbound } from './sms/sms.outbound.js';
import type { EnginePool } from './biometrics/engine/engine.pool.js';
import type { AssistantService } from './assistant/assistant.service.js';
import type { StepUpService } from './biometrics/step-up.service.js';
import type { VideoCheckService } from './biometrics/video-check.service.js';
import type { ModerationService } from './moderation/moderation.service.js';
import type { GrantService } from './oidc/grant.service.js';
import type { InteractionService } from './oidc/interaction.service.js';
import type { OidcModule } from './oidc/oidc.module.js';
import type { PhoneChangeService } from './profile/phone-change.service.js';
import type { ProfileService } from './profile/profile.service.js';
import type { RegistrationService } from './registration/registration.service.js';
import type { DigitalIdBlocks } from './session/block.service.js';
import type { PasskeyService } from './session/passkey.service.js';
import type { SessionService } from './session/session.service.js';
import type { SigninService } from './session/signin.service.js';
import type { StaffService } from './staff/staff.service.js';
import type PgBoss from 'pg-boss';

/** Everything a service may depend on, built once in server.ts. */
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

/**
 * The services, each built once by the composition root (server.ts `buildServices`). A route plugin is
 * handed the ones it uses (`Pick<Services, …>`) and never builds one itself.
 */
export interface Services {
  registrations: RegistrationService;
  videoChecks: VideoCheckService;
  stepUps: StepUpService;
  moderation: ModerationService;
  staff: StaffService;
  assistant: AssistantService;
  sessions: SessionService;
  signins: SigninService;
  passkeys: PasskeyService;
  blocks: DigitalIdBlocks;
  profiles: ProfileService;
  phoneChanges: PhoneChangeService;
  grants: GrantService;
  interactions: InteractionService;
  /** The OpenID provider (its signing keys refreshed and expired records swept on a timer). */
  oidc: OidcModule;
}
