// The running provider: built at start with the published signing keys (the first one generated if
// there is none), rebuilt when `npm run oidc:rotate-keys` changed them, and its expired records swept.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { AppContext } from '../app-context.js';
import type { SessionService } from '../session/session.service.js';
import { ClientService } from './oidc-client.service.js';
import { ensureSigningKey, loadSigningKeys } from './oidc.keys.js';
import { buildProvider } from './oidc.provider.js';
import { deleteExpired } from './oidc-payload.store.js';

/** Expired records stay a while (a reused refresh token is still recognised as such), then go in batches. */
const EXPIRED_GRACE_SECONDS = 3600;
const SWEEP_BATCH = 1000;

export interface OidcModule {
  readonly clients: ClientService;
  provider(): Provider;
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Reloads the keys now; true when they changed (the provider was rebuilt). */
  refresh(): Promise<boolean>;
  stop(): void;
}

export async function startOidc(ctx: AppContext, sessions: SessionService): Promise<OidcModule> {
  const clients = new ClientService(ctx.db, ctx.config);
  await ensureSigningKey(ctx.db, ctx.config);
  let keys = await loadSigningKeys(ctx.db, ctx.config);
  let provider = buildProvider(ctx, clients, sessions, keys);
  let callback = provider.callback();

  const fingerprint = (list: { kid: string }[]) => list.map((k) => k.kid).join(',');
  async function refresh(): Promise<boolean> {
    const next = await loadSigningKeys(ctx.db, ctx.config);
    if (fingerprint(next) === fingerprint(keys)) return false;
    keys = next;
    provider = buildProvider(ctx, clients, sessions, keys);
    callback = provider.callback();
    ctx.logger.info({ kids: keys.map((k) => k.kid) }, 'oidc signing keys reloaded');
    return true;
  }

  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= (async () => {
      try {
        await refresh();
        await deleteExpired(ctx.db, new Date(), EXPIRED_GRACE_SECONDS, SWEEP_BATCH);
      } catch (err) {
        ctx.logger.warn({ err }, 'oidc key refresh or sweep failed');
      } finally {
        running = null;
      }
    })();
  }, ctx.config.oidc.keyRefreshSeconds * 1000);
  timer.unref();

  return {
    clients,
    provider: () => provider,
    handle: (req, res) => callback(req, res),
    refresh,
    stop: () => clearInterval(timer),
  };
}
