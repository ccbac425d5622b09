// The services citizens sign in to: registered (CLI), listed, edited and disabled (staff console, admin),
// and handed to oidc-provider as client metadata. Secrets are AES-256-GCM encrypted at rest: the provider
// compares the presented secret with the stored one, so a one-way hash would not do.
import { randomBytes } from 'node:crypto';
import type { Config } from '../platform/config.js';
import type { Db } from '../platform/db/database.js';
import { decrypt, encrypt, randomToken } from '../platform/crypto.js';
import { AppError } from '../platform/errors/app-error.js';
import { appendAudit } from '../audit/audit.store.js';
import type { AuditActor } from '../audit/audit.events.js';
import { clientProblem, type ClientInput } from './oidc.rules.js';
import * as store from './oidc-client.store.js';

export type ClientAuthMethod = store.ClientRow['auth_method'];

export interface ClientView {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  firstParty: boolean;
  authMethod: ClientAuthMethod;
  jwksUri: string | null;
  logoUri: string | null;
  policyUri: string | null;
  backchannelLogoutUri: string | null;
  createdAt: string;
  updatedAt: string;
  disabled: boolean;
}

export type NewClient = Partial<Omit<ClientInput, 'name' | 'redirectUris' | 'scopes'>> &
  Pick<ClientInput, 'name' | 'redirectUris' | 'scopes'> & { authMethod?: ClientAuthMethod; jwks?: { keys: Record<string, unknown>[] } | null };

export type ClientChanges = Partial<Omit<ClientInput, 'jwksUri'>> & { disabled?: boolean };

/** The lookup the provider's storage adapter needs. */
export interface ClientRegistry {
  providerMetadata(clientId: string): Promise<Record<string, unknown> | null>;
}

/**
 * How long the provider reuses a client's metadata (read and secret decrypted on every token, userinfo and
 * authorization request otherwise). An edit or a disable through this service applies at once in this
 * process; another process (a second app instance on the same PostgreSQL) sees it within this time.
 */
export const CLIENT_METADATA_TTL_MS = 1000;

export class ClientService implements ClientRegistry {
  /** Found, enabled clients only: a client registered by the CLI in another process is known at once. */
  private readonly metadata = new Map<string, { value: Record<string, unknown>; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {}

  /** Registers a service; its secret (none for private_key_jwt) is returned here only. */
  async create(input: NewClient, actor: AuditActor): Promise<{ clientId: string; clientSecret: string | null }> {
    const full: ClientInput = {
      name: input.name.trim(),
      redirectUris: input.redirectUris,
      scopes: [...new Set(input.scopes)],
      firstParty: input.firstParty ?? false,
      jwksUri: input.jwksUri ?? null,
      logoUri: input.logoUri ?? null,
      policyUri: input.policyUri ?? null,
      postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
      backchannelLogoutUri: input.backchannelLogoutUri ?? null,
    };
    const problem = clientProblem(full);
    if (problem) throw new AppError('OIDC_CLIENT_INVALID', problem);
    const jwks = input.jwks ?? null;
    const authMethod: ClientAuthMethod = input.authMethod ?? (full.jwksUri || jwks ? 'private_key_jwt' : 'client_secret_basic');
    if (authMethod === 'private_key_jwt' && !full.jwksUri && !jwks) throw new AppError('OIDC_CLIENT_INVALID', { field: 'jwksUri', problem: 'url' });
    const clientId = `did-${randomBytes(12).toString('base64url')}`;
    const clientSecret = authMethod === 'private_key_jwt' ? null : randomToken();
    await this.db.transaction().execute(async (trx) => {
      await store.insertClient(trx, {
        clientId,
        name: full.name,
        secretEncrypted: clientSecret ? encrypt(this.config.encryptionKey, Buffer.from(clientSecret), secretContext(clientId)) : null,
        redirectUris: full.redirectUris,
        postLogoutRedirectUris: full.postLogoutRedirectUris,
        scopes: full.scopes.join(' '),
        firstParty: full.firstParty,
        authMethod,
        jwksUri: full.jwksUri,
        jwks,
        logoUri: full.logoUri,
        policyUri: full.policyUri,
        backchannelLogoutUri: full.backchannelLogoutUri,
        now: new Date(),
      });
      await appendAudit(trx, { type: 'oidc.client_created', actor, subject: clientId, details: { clientId, name: full.name, scopes: full.scopes, firstParty: full.firstParty } });
    });
    return { clientId, clientSecret };
  }

  async list(): Promise<ClientView[]> {
    return (await store.listClients(this.db)).map(view);
  }

  async get(clientId: string): Promise<ClientView> {
    const row = await store.findClient(this.db, clientId);
    if (!row) throw new AppError('OIDC_CLIENT_NOT_FOUND');
    return view(row);
  }

  /** Edits or disables a service (a disabled one is unknown to the provider at once); audited with what changed. */
  async update(clientId: string, changes: ClientChanges, actor: AuditActor, clientIp: string | null): Promise<ClientView> {
    try {
      return await this.change(clientId, changes, actor, clientIp);
    } finally {
      // After the commit: a read during the transaction may have cached the row as it was.
      this.metadata.delete(clientId);
    }
  }

  private async change(clientId: string, changes: ClientChanges, actor: AuditActor, clientIp: string | null): Promise<ClientView> {
    return this.db.transaction().execute(async (trx) => {
      const row = await store.findClient(trx, clientId, { forUpdate: true });
      if (!row) throw new AppError('OIDC_CLIENT_NOT_FOUND');
      const current = view(row);
      const next: ClientInput = {
        name: (changes.name ?? current.name).trim(),
        redirectUris: changes.redirectUris ?? current.redirectUris,
        scopes: changes.scopes ? [...new Set(changes.scopes)] : current.scopes,
        firstParty: changes.firstParty ?? current.firstParty,
        jwksUri: current.jwksUri,
        logoUri: changes.logoUri !== undefined ? changes.logoUri : current.logoUri,
        policyUri: changes.policyUri !== undefined ? changes.policyUri : current.policyUri,
        postLogoutRedirectUris: changes.postLogoutRedirectUris ?? current.postLogoutRedirectUris,
        backchannelLogoutUri: changes.backchannelLogoutUri !== undefined ? changes.backchannelLogoutUri : current.backchannelLogoutUri,
      };
      const problem = clientProblem(next);
      if (problem) throw new AppError('OIDC_CLIENT_INVALID', problem);
      const now = new Date();
      const disabledAt = changes.disabled === undefined ? undefined : changes.disabled ? (row.disabled_at ?? now) : null;
      await store.updateClient(trx, clientId, { ...next, scopes: next.scopes.join(' '), disabledAt }, now);
      const changed = Object.keys(changes).filter((k) => (changes as Record<string, unknown>)[k] !== undefined);
      await appendAudit(trx, { type: 'oidc.client_updated', actor, subject: clientId, clientIp, details: { clientId, changed, disabled: disabledAt === undefined ? current.disabled : disabledAt !== null } });
      return view((await store.findClient(trx, clientId))!);
    });
  }

  /** The client as oidc-provider reads it (a copy); null for an unknown or disabled service. */
  async providerMetadata(clientId: string): Promise<Record<string, unknown> | null> {
    if (clientId.length > 100) return null;
    const now = Date.now();
    const cached = this.metadata.get(clientId);
    if (cached && cached.until > now) return structuredClone(cached.value);
    const value = await this.readProviderMetadata(clientId);
    if (value) this.metadata.set(clientId, { value, until: now + CLIENT_METADATA_TTL_MS });
    else this.metadata.delete(clientId);
    if (this.metadata.size > 10_000) this.metadata.clear();
    return value && structuredClone(value);
  }

  private async readProviderMetadata(clientId: string): Promise<Record<string, unknown> | null> {
    const row = await store.findClient(this.db, clientId);
    if (!row || row.disabled_at) return null;
    const scopes = row.scopes.split(' ');
    return {
      client_id: row.client_id,
      ...(row.secret_encrypted ? { client_secret: decrypt(this.config.encryptionKey, row.secret_encrypted, secretContext(row.client_id)).toString('utf8') } : {}),
      client_name: row.name,
      redirect_uris: row.redirect_uris,
      post_logout_redirect_uris: row.post_logout_redirect_uris,
      grant_types: scopes.includes('offline_access') ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
      response_types: ['code'],
      scope: row.scopes,
      token_endpoint_auth_method: row.auth_method,
      // Pairwise: two services cannot join their data on `sub`; only our own services see the public one.
      subject_type: row.first_party ? 'public' : 'pairwise',
      ...(row.jwks_uri ? { jwks_uri: row.jwks_uri } : {}),
      ...(row.jwks ? { jwks: row.jwks } : {}),
      ...(row.logo_uri ? { logo_uri: row.logo_uri } : {}),
      ...(row.policy_uri ? { policy_uri: row.policy_uri } : {}),
      ...(row.backchannel_logout_uri ? { backchannel_logout_uri: row.backchannel_logout_uri, backchannel_logout_session_required: true } : {}),
      first_party: row.first_party,
    };
  }
}

function secretContext(clientId: string): string {
  return `oidc-client-secret:${clientId}`;
}

function view(row: store.ClientRow): ClientView {
  return {
    clientId: row.client_id,
    name: row.name,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    scopes: row.scopes.split(' '),
    firstParty: row.first_party,
    authMethod: row.auth_method,
    jwksUri: row.jwks_uri,
    logoUri: row.logo_uri,
    policyUri: row.policy_uri,
    backchannelLogoutUri: row.backchannel_logout_uri,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    disabled: row.disabled_at !== null,
  };
}
