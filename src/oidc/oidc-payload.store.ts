// The provider's own records (oidc-provider models: Session, Interaction, AuthorizationCode, AccessToken,
// RefreshToken, Grant, PushedAuthorizationRequest, …), one row per model and id. The only SQL of oidc_payloads.
import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';

export interface PayloadRow {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  accountId: string | null;
  clientId: string | null;
  expiresAt: Date | null;
  now: Date;
}

export async function upsertPayload(conn: DbOrTx, row: PayloadRow): Promise<void> {
  const values = {
    payload: JSON.stringify(row.payload),
    grant_id: row.grantId,
    uid: row.uid,
    user_code: row.userCode,
    account_id: row.accountId,
    client_id: row.clientId,
    expires_at: row.expiresAt,
  };
  await conn
    .insertInto('oidc_payloads')
    .values({ model: row.model, id: row.id, created_at: row.now, ...values })
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
    .execute();
}

type Lookup = { column: 'id' | 'uid' | 'user_code'; value: string };

/** A record still within its expiry, with `consumed` (epoch seconds) when it was consumed. */
export async function findPayload(conn: DbOrTx, model: string, lookup: Lookup, now: Date): Promise<Record<string, unknown> | undefined> {
  const row = await conn
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at'])
    .where('model', '=', model)
    .where(lookup.column, '=', lookup.value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  if (!row) return undefined;
  const payload = { ...row.payload };
  if (row.consumed_at) payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000);
  return payload;
}

export async function consumePayload(conn: DbOrTx, model: string, id: string, now: Date): Promise<void> {
  await conn.updateTable('oidc_payloads').set({ consumed_at: now }).where('model', '=', model).where('id', '=', id).execute();
}

export async function destroyPayload(conn: DbOrTx, model: string, id: string): Promise<void> {
  await conn.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
}

/** One model's records of a grant (the provider revokes model by model). */
export async function destroyModelByGrant(conn: DbOrTx, model: string, grantId: string): Promise<void> {
  await conn.deleteFrom('oidc_payloads').where('model', '=', model).where('grant_id', '=', grantId).execute();
}

/** Every code and token of a grant (and the grant itself when `withGrant`); how many rows went. */
export async function destroyByGrant(conn: DbOrTx, grantId: string, options: { withGrant: boolean }): Promise<number> {
  let query = conn.deleteFrom('oidc_payloads').where('grant_id', '=', grantId);
  if (!options.withGrant) query = query.where('model', '!=', 'Grant');
  const result = await query.executeTakeFirst();
  const grant = options.withGrant ? await conn.deleteFrom('oidc_payloads').where('model', '=', 'Grant').where('id', '=', grantId).executeTakeFirst() : null;
  return Number(result.numDeletedRows) + Number(grant?.numDeletedRows ?? 0);
}

/** The live grants of one Digital ID (optionally for one client), newest first. */
export async function listGrants(conn: DbOrTx, accountId: string, now: Date, clientId?: string) {
  let query = conn
    .selectFrom('oidc_payloads')
    .select(['id', 'client_id', 'payload', 'created_at'])
    .where('model', '=', 'Grant')
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  if (clientId !== undefined) query = query.where('client_id', '=', clientId);
  return query.orderBy('created_at', 'desc').execute();
}

/** Deletes records expired more than `graceSeconds` ago, at most `limit` of them; how many went. */
export async function deleteExpired(conn: DbOrTx, now: Date, graceSeconds: number, limit: number): Promise<number> {
  const result = await sql<{ n: string }>`
    WITH gone AS (
      DELETE FROM oidc_payloads WHERE ctid IN (
        SELECT ctid FROM oidc_payloads WHERE expires_at < ${new Date(now.getTime() - graceSeconds * 1000)} LIMIT ${limit}
      ) RETURNING 1
    ) SELECT count(*) AS n FROM gone`.execute(conn);
  return Number(result.rows[0]?.n ?? 0);
}
