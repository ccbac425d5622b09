// What each service may see of the citizen (the grants given on the consent page, or to a first-party
// service), listed in the profile, and revoked from there: the grant, its codes and its access and
// refresh tokens go in one transaction, so the service loses access at once.
import type { Db } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { appendAudit } from '../audit/audit.store.js';
import type { CitizenPrincipal } from '../session/session.service.js';
import { SCOPE_CLAIMS } from './oidc.rules.js';
import * as clientStore from './oidc-client.store.js';
import * as payloads from './oidc-payload.store.js';

export interface ServiceAccess {
  clientId: string;
  name: string;
  logoUri: string | null;
  policyUri: string | null;
  scopes: string[];
  claims: string[];
  since: string;
}

function grantScopes(payload: Record<string, unknown>): string[] {
  const openid = payload.openid as { scope?: string } | undefined;
  return (openid?.scope ?? '').split(' ').filter(Boolean);
}

export class GrantService {
  constructor(private readonly db: Db) {}

  /** Every service with a live grant: what it may see (scopes, claims) and since when, newest first. */
  async list(principal: CitizenPrincipal): Promise<ServiceAccess[]> {
    const grants = await payloads.listGrants(this.db, principal.profileId, new Date());
    const byClient = new Map<string, { scopes: Set<string>; since: Date }>();
    for (const grant of grants) {
      if (!grant.client_id) continue;
      const entry = byClient.get(grant.client_id) ?? { scopes: new Set<string>(), since: new Date(grant.created_at) };
      for (const scope of grantScopes(grant.payload)) entry.scopes.add(scope);
      if (new Date(grant.created_at) < entry.since) entry.since = new Date(grant.created_at);
      byClient.set(grant.client_id, entry);
    }
    const clients = new Map((await clientStore.findClients(this.db, [...byClient.keys()])).map((c) => [c.client_id, c]));
    return [...byClient.entries()]
      .filter(([clientId]) => clients.has(clientId))
      .map(([clientId, entry]) => {
        const client = clients.get(clientId)!;
        const scopes = [...entry.scopes];
        return {
          clientId,
          name: client.name,
          logoUri: client.logo_uri,
          policyUri: client.policy_uri,
          scopes,
          claims: scopes.flatMap((s) => (s in SCOPE_CLAIMS ? [...SCOPE_CLAIMS[s as keyof typeof SCOPE_CLAIMS]] : [])).filter((c) => c !== 'sub'),
          since: entry.since.toISOString(),
        };
      })
      .sort((a, b) => b.since.localeCompare(a.since));
  }

  /** Revokes everything the service was given: grants, codes, access and refresh tokens; audited. */
  async revoke(principal: CitizenPrincipal, clientId: string, clientIp: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const grants = await payloads.listGrants(trx, principal.profileId, new Date(), clientId);
      if (grants.length === 0) throw new AppError('OIDC_GRANT_NOT_FOUND');
      let recordsRevoked = 0;
      for (const grant of grants) recordsRevoked += await payloads.destroyByGrant(trx, grant.id, { withGrant: true });
      await appendAudit(trx, {
        type: 'oidc.grant_revoked',
        actor: 'citizen',
        profileId: principal.profileId,
        clientIp,
        details: { clientId, grantIds: grants.map((g) => g.id), recordsRevoked },
      });
    });
  }
}
