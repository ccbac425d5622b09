// SQL for staff accounts and sessions.
import type { Selectable } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';
import type { StaffAccountsTable } from '../platform/db/schema.js';
import type { StaffRole } from './staff.rules.js';

export type StaffAccountRow = Selectable<StaffAccountsTable>;

export async function insertAccount(
  conn: DbOrTx,
  account: { id: string; login: string; role: StaffRole; passwordHash: string; totpSecretEncrypted: Buffer },
): Promise<boolean> {
  const result = await conn
    .insertInto('staff_accounts')
    .values({
      id: account.id,
      login: account.login,
      role: account.role,
      password_hash: account.passwordHash,
      totp_secret_encrypted: account.totpSecretEncrypted,
    })
    .onConflict((oc) => oc.column('login').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findAccountByLogin(conn: DbOrTx, login: string, options: { forUpdate?: boolean } = {}): Promise<StaffAccountRow | undefined> {
  let q = conn.selectFrom('staff_accounts').selectAll().where('login', '=', login);
  if (options.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findAccountById(conn: DbOrTx, id: string): Promise<StaffAccountRow | undefined> {
  return conn.selectFrom('staff_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Records a successful login; false when the TOTP time step was already used (a replayed code). */
export async function saveLoginSuccess(conn: DbOrTx, id: string, totpCounter: number, now: Date): Promise<boolean> {
  const result = await conn
    .updateTable('staff_accounts')
    .set({ failed_logins: 0, locked_until: null, last_login_at: now, totp_last_counter: String(totpCounter) })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_counter', 'is', null), eb('totp_last_counter', '<', String(totpCounter))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function savePassword(conn: DbOrTx, id: string, passwordHash: string): Promise<void> {
  await conn.updateTable('staff_accounts').set({ password_hash: passwordHash, password_change_required: false }).where('id', '=', id).execute();
}

export async function insertSession(
  conn: DbOrTx,
  session: { id: string; tokenHash: Buffer; staffId: string; clientIp: string | null; now: Date; expiresAt: Date },
): Promise<void> {
  await conn
    .insertInto('staff_sessions')
    .values({
      id: session.id,
      token_hash: session.tokenHash,
      staff_id: session.staffId,
      client_ip: session.clientIp,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findSessionWithAccount(conn: DbOrTx, tokenHash: Buffer) {
  return conn
    .selectFrom('staff_sessions as s')
    .innerJoin('staff_accounts as a', 'a.id', 's.staff_id')
    .select([
      's.id as sessionId',
      's.created_at as createdAt',
      's.last_seen_at as lastSeenAt',
      's.ended_at as endedAt',
      'a.id as staffId',
      'a.login',
      'a.role',
      'a.password_change_required as passwordChangeRequired',
      'a.disabled_at as disabledAt',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchSession(conn: DbOrTx, sessionId: string, now: Date): Promise<void> {
  await conn.updateTable('staff_sessions').set({ last_seen_at: now }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
}

export async function endSession(conn: DbOrTx, sessionId: string, now: Date): Promise<void> {
  await conn.updateTable('staff_sessions').set({ ended_at: now }).where('id', '=', sessionId).where('ended_at', 'is', null).execute();
}

/** Ends every other session of an account, e.g. after its password changed. */
export async function endOtherSessions(conn: DbOrTx, staffId: string, keepSessionId: string, now: Date): Promise<void> {
  await conn
    .updateTable('staff_sessions')
    .set({ ended_at: now })
    .where('staff_id', '=', staffId)
    .where('id', '!=', keepSessionId)
    .where('ended_at', 'is', null)
    .execute();
}

export async function loginOf(conn: DbOrTx, staffId: string): Promise<string | null> {
  const row = await conn.selectFrom('staff_accounts').select('login').where('id', '=', staffId).executeTakeFirst();
  return row?.login ?? null;
}
