// Composition root: opens the database, migrates, starts the queue, the adapters, the face engine, the
// OpenID provider and the evidence retention job, builds every service once (`buildServices`) and the
// app, whose route plugins are handed the services they use. Every long-lived part is started and stopped
// here, not in a route plugin. Shutdown runs the other way round, each step only after the one before has
// finished:
//   1. HTTP: stop accepting connections and answer the requests already in (503 to new ones on kept-alive
//      connections);
//   2. the evidence retention job, the OpenID provider's key refresh and sweep, then the face-engine workers;
//   3. SMS: the workers finish and complete the jobs in hand, then the SMPP/http connection goes;
//   4. pg-boss: maintenance and cron stop, and every statement it issued (completions too) has run;
//   5. the database.
import type { FastifyInstance } from 'fastify';
import type { Config } from './platform/config.js';
import { openDatabase, type DatabaseHandle } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { createLogger, type Logger } from './platform/logging.js';
import { createMetrics } from './platform/metrics.js';
import { startQueue, stopQueue } from './platform/queue.js';
import { createRegistryGateway } from './registry/registry.factory.js';
import { seedDemoRegistry } from './registry/demo-seed.js';
import { startSms } from './sms/sms.module.js';
import { startFaceEngine } from './biometrics/face-engine.module.js';
import { startEvidenceRetention } from './biometrics/evidence-retention.js';
import { startOidc } from './oidc/oidc.module.js';
import { AssistantService } from './assistant/assistant.service.js';
import { StepUpService } from './biometrics/step-up.service.js';
import { VideoCheckLocks } from './biometrics/video-check-lock.service.js';
import { VideoCheckService } from './biometrics/video-check.service.js';
import { ModerationService } from './moderation/moderation.service.js';
import { GrantService } from './oidc/grant.service.js';
import { InteractionService } from './oidc/interaction.service.js';
import { OtpService } from './otp/otp.service.js';
import { PhoneChangeService } from './profile/phone-change.service.js';
import { ProfileService } from './profile/profile.service.js';
import { IinAttempts } from './registration/iin-attempts.service.js';
import { RegistrationService } from './registration/registration.service.js';
import { DigitalIdBlocks } from './session/block.service.js';
import { PasskeyService } from './session/passkey.service.js';
import { SessionService } from './session/session.service.js';
import { SigninService } from './session/signin.service.js';
import { StaffService } from './staff/staff.service.js';
import { buildApp } from './app.js';
import type { AppContext, Services } from './app-context.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  services: Services;
  database: DatabaseHandle;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger; seedDemo?: boolean; listen?: boolean } = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // Stop steps in start order; `close` runs them in reverse, once, whoever calls it.
  const stops: Array<() => Promise<void>> = [() => database.close()];
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const stop of [...stops].reverse()) {
        try {
          await stop();
        } catch (err) {
          logger.warn({ err }, 'error while stopping');
        }
      }
    })());
  try {
    await migrateToLatest(database.db);
    const metrics = createMetrics();
    const queue = await startQueue({ db: database.db, logger, maintenanceIntervalSeconds: config.queue.maintenanceIntervalSeconds });
    stops.push(() => stopQueue(queue, logger));
    const registry = createRegistryGateway(config, database.db);
    if (options.seedDemo !== false) await seedDemoRegistry(database.db, config, logger);
    const sms = await startSms({ config, db: database.db, queue, logger, metrics });
    stops.push(() => sms.stop());
    const face = startFaceEngine(config, logger);
    stops.push(() => face.stop());
    const ctx: AppContext = { config, db: database.db, dbKind: database.kind, logger, metrics, registry, sms: sms.outbound, queue, engine: face.engine };
    const sessions = new SessionService(ctx.db, ctx.config);
    const oidc = await startOidc(ctx, sessions);
    stops.push(async () => oidc.stop());
    const services = buildServices(ctx, { sessions, oidc });
    const retention = await startEvidenceRetention(ctx, services.moderation);
    stops.push(() => retention.stop());
    const app = await buildApp(ctx, services);
    stops.push(() => closeHttp(app, logger));
    let url = '';
    if (options.listen !== false) {
      url = await app.listen({ port: config.port, host: config.host });
    }
    return { app, ctx, services, database, url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Every service, built once; a service that needs another is handed it here. */
function buildServices(ctx: AppContext, { sessions, oidc }: Pick<Services, 'sessions' | 'oidc'>): Services {
  const otp = new OtpService(ctx.config, ctx.sms);
  const iinAttempts = new IinAttempts(ctx);
  const locks = new VideoCheckLocks(ctx.config);
  const blocks = new DigitalIdBlocks(ctx);
  const assistant = new AssistantService(ctx, iinAttempts);
  const videoChecks = new VideoCheckService(ctx, ctx.engine, locks);
  return {
    registrations: new RegistrationService(ctx, otp, iinAttempts, locks),
    videoChecks,
    stepUps: new StepUpService(ctx, videoChecks),
    moderation: new ModerationService(ctx),
    staff: new StaffService(ctx.db, ctx.config),
    assistant,
    sessions,
    signins: new SigninService(ctx, sessions, otp, blocks),
    passkeys: new PasskeyService(ctx, sessions),
    blocks,
    profiles: new ProfileService(ctx),
    phoneChanges: new PhoneChangeService(ctx, otp, assistant),
    grants: new GrantService(ctx.db),
    interactions: new InteractionService(ctx, oidc),
    oidc,
  };
}

/** How long requests under way may take to finish once shutdown began; then their connections are cut. */
const HTTP_DRAIN_MS = 20_000;

/**
 * Stops accepting connections and waits for the requests under way. Node closes the connections idle at
 * that moment only: a kept-alive connection whose request finishes later would stay open until the
 * client drops it (a minute or more), so idle ones are swept until every connection is gone.
 */
async function closeHttp(app: FastifyInstance, logger: Logger): Promise<void> {
  const closing = app.close();
  const sweep = setInterval(() => app.server.closeIdleConnections(), 200);
  const cut = setTimeout(() => {
    logger.warn({ waitedMs: HTTP_DRAIN_MS }, 'requests still running at shutdown: closing their connections');
    app.server.closeAllConnections();
  }, HTTP_DRAIN_MS);
  try {
    await closing;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
