// The services (clients) registered with the provider. The only SQL of oidc_clients.
import type { Selectable } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { OidcClientsTable } from '../platform/db/schema.js';

export type ClientRow = Selectable<OidcClientsTable>;

export interface NewClientRow {
  clientId: string;
  name: string;
  secretEncrypted: Buffer | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string;
  firstParty: boolean;
  authMethod: ClientRow['auth_method'];
  jwksUri: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  logoUri: string | null;
  policyUri: string | null;
  backchannelLogoutUri: string | null;
  now: Date;
}

export async function insertClient(conn: DbOrTx, row: NewClientRow): Promise<void> {
  await conn
    .insertInto('oidc_clients')
    .values({
      client_id: row.clientId,
      name: row.name,
      secret_encrypted: row.secretEncrypted,
      redirect_uris: JSON.stringify(row.redirectUris),
      post_logout_redirect_uris: JSON.stringify(row.postLogoutRedirectUris),
      scopes: row.scopes,
      first_party: row.firstParty,
      auth_method: row.authMethod,
      jwks_uri: row.jwksUri,
      jwks: row.jwks ? JSON.stringify(row.jwks) : null,
      logo_uri: row.logoUri,
      policy_uri: row.policyUri,
      backchannel_logout_uri: row.backchannelLogoutUri,
      created_at: row.now,
      updated_at: row.now,
    })
    .execute();
}

export async function findClient(conn: DbOrTx, clientId: string, options: { forUpdate?: boolean } = {}): Promise<ClientRow | undefined> {
  let query = conn.selectFrom('oidc_clients').selectAll().where('client_id', '=', clientId);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findClients(conn: DbOrTx, clientIds: string[]): Promise<ClientRow[]> {
  if (clientIds.length === 0) return [];
  return conn.selectFrom('oidc_clients').selectAll().where('client_id', 'in', clientIds).execute();
}

export async function listClients(conn: DbOrTx): Promise<ClientRow[]> {
  return conn.selectFrom('oidc_clients').selectAll().orderBy('created_at', 'desc').execute();
}

export async function updateClient(
  conn: DbOrTx,
  clientId: string,
  changes: Partial<{
    name: string;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
    scopes: string;
    firstParty: boolean;
    logoUri: string | null;
    policyUri: string | null;
    backchannelLogoutUri: string | null;
    disabledAt: Date | null;
  }>,
  now: Date,
): Promise<void> {
  await conn
    .updateTable('oidc_clients')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.redirectUris !== undefined ? { redirect_uris: JSON.stringify(changes.redirectUris) } : {}),
      ...(changes.postLogoutRedirectUris !== undefined ? { post_logout_redirect_uris: JSON.stringify(changes.postLogoutRedirectUris) } : {}),
      ...(changes.scopes !== undefined ? { scopes: changes.scopes } : {}),
      ...(changes.firstParty !== undefined ? { first_party: changes.firstParty } : {}),
      ...(changes.logoUri !== undefined ? { logo_uri: changes.logoUri } : {}),
      ...(changes.policyUri !== undefined ? { policy_uri: changes.policyUri } : {}),
      ...(changes.backchannelLogoutUri !== undefined ? { backchannel_logout_uri: changes.backchannelLogoutUri } : {}),
      ...(changes.disabledAt !== undefined ? { disabled_at: changes.disabledAt } : {}),
      updated_at: now,
    })
    .where('client_id', '=', clientId)
    .execute();
}
