// The provider's own records (oidc-provider models: Session, Interaction, AuthorizationCode, AccessToken,
// RefreshToken, Grant, PushedAuthorizationRequest, …), one row per model and id. The only SQL of oidc_payloads.
import { sql, type QueryCreator } from 'kysely';
import type { Database } from '../platform/db/schema.js';
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
  await writePayloads(conn, [row], [], row.now);
}

/**
 * Several writes of one request in one statement: records created or replaced, and records consumed
 * (`consumed`, distinct from the upserted ones: the caller keeps one write a record).
 */
export async function writePayloads(conn: DbOrTx, rows: PayloadRow[], consumed: Array<{ model: string; id: string }>, now: Date): Promise<void> {
  const consume = (db: QueryCreator<Database>) =>
    db
      .updateTable('oidc_payloads')
      .set({ consumed_at: now })
      .where((eb) => eb.or(consumed.map((c) => eb.and([eb('model', '=', c.model), eb('id', '=', c.id)]))));
  if (rows.length === 0) {
    if (consumed.length > 0) await consume(conn).execute();
    return;
  }
  const values = rows.map((row) => ({
    model: row.model,
    id: row.id,
    created_at: row.now,
    payload: JSON.stringify(row.payload),
    grant_id: row.grantId,
    uid: row.uid,
    user_code: row.userCode,
    account_id: row.accountId,
    client_id: row.clientId,
    expires_at: row.expiresAt,
  }));
  // A data-modifying WITH runs whether or not the INSERT refers to it.
  const insert = consumed.length > 0 ? conn.with('consumed', (db) => consume(db)).insertInto('oidc_payloads') : conn.insertInto('oidc_payloads');
  await insert
    .values(values)
    .onConflict((oc) =>
      oc.columns(['model', 'id']).doUpdateSet((eb) => ({
        payload: eb.ref('excluded.payload'),
        grant_id: eb.ref('excluded.grant_id'),
        uid: eb.ref('excluded.uid'),
        user_code: eb.ref('excluded.user_code'),
        account_id: eb.ref('excluded.account_id'),
        client_id: eb.ref('excluded.client_id'),
        expires_at: eb.ref('excluded.expires_at'),
      })),
    )
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
  return row ? withConsumed(row.payload, row.consumed_at) : undefined;
}

export async function consumePayload(conn: DbOrTx, model: string, id: string, now: Date): Promise<void> {
  await writePayloads(conn, [], [{ model, id }], now);
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

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export interface TokenInContext {
  token: Record<string, unknown> | undefined;
  grant: Record<string, unknown> | null;
  session: Record<string, unknown> | null;
  digitalId: { id: string; iin: string; phone: string; blocked_at: Date | null } | null;
}

/**
 * A code or token (as findPayload) with, in the same statement, what the provider checks next: its
 * grant, the provider session it may be bound to (by uid) and the Digital ID of its accountId.
 */
export async function findTokenInContext(conn: DbOrTx, model: string, id: string, now: Date): Promise<TokenInContext> {
  const result = await sql<{
    payload: Record<string, unknown>;
    consumed_at: Date | null;
    grant_payload: Record<string, unknown> | null;
    grant_consumed_at: Date | null;
    session_payload: Record<string, unknown> | null;
    session_consumed_at: Date | null;
    profile_id: string | null;
    iin: string | null;
    phone: string | null;
    blocked_at: Date | null;
  }>`
    SELECT t.payload, t.consumed_at,
      g.payload AS grant_payload, g.consumed_at AS grant_consumed_at,
      s.payload AS session_payload, s.consumed_at AS session_consumed_at,
      d.id AS profile_id, d.iin, d.phone, d.blocked_at
    FROM oidc_payloads t
    LEFT JOIN oidc_payloads g ON g.model = 'Grant' AND g.id = t.grant_id AND (g.expires_at IS NULL OR g.expires_at > ${now})
    LEFT JOIN oidc_payloads s ON s.model = 'Session' AND s.uid = t.payload->>'sessionUid' AND (s.expires_at IS NULL OR s.expires_at > ${now})
    LEFT JOIN digital_profiles d ON d.id = CASE WHEN t.payload->>'accountId' ~* ${UUID} THEN (t.payload->>'accountId')::uuid END
    WHERE t.model = ${model} AND t.id = ${id} AND (t.expires_at IS NULL OR t.expires_at > ${now})`.execute(conn);
  const row = result.rows[0];
  if (!row) return { token: undefined, grant: null, session: null, digitalId: null };
  return {
    token: withConsumed(row.payload, row.consumed_at),
    grant: row.grant_payload ? withConsumed(row.grant_payload, row.grant_consumed_at) : null,
    session: row.session_payload ? withConsumed(row.session_payload, row.session_consumed_at) : null,
    digitalId: row.profile_id ? { id: row.profile_id, iin: row.iin!, phone: row.phone!, blocked_at: row.blocked_at } : null,
  };
}

function withConsumed(payload: Record<string, unknown>, consumedAt: Date | string | null): Record<string, unknown> {
  return consumedAt ? { ...payload, consumed: Math.floor(new Date(consumedAt).getTime() / 1000) } : payload;
}
