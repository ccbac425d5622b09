import { sql } from 'kysely';
import type { DbOrTx } from '../platform/db/database.js';

/**
 * Serialises concurrent sends for one phone so its limit cannot be raced. The per-IP limit is
 * counted without a lock: locking it would serialise every citizen behind one carrier-grade NAT
 * address, and overshooting it by the few requests in flight is harmless.
 */
export async function lockPhone(conn: DbOrTx, phone: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${'otp-phone:' + phone}))`.execute(conn);
}

/** Sends in the window, oldest first timestamp included, for a Retry-After. */
export async function countSendsSince(conn: DbOrTx, column: 'phone' | 'client_ip', value: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const row = await conn
    .selectFrom('otp_codes')
    .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where(column, '=', value)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldest: row.oldest ? new Date(row.oldest as unknown as string) : null };
}

export async function voidActiveCodes(conn: DbOrTx, registrationId: string): Promise<void> {
  await conn.updateTable('otp_codes').set({ status: 'voided' }).where('registration_id', '=', registrationId).where('status', '=', 'active').execute();
}

export async function insertCode(
  conn: DbOrTx,
  code: { id: string; registrationId: string; phone: string; clientIp: string; codeHmac: Buffer; createdAt: Date; expiresAt: Date; resendAvailableAt: Date },
): Promise<void> {
  await conn
    .insertInto('otp_codes')
    .values({
      id: code.id,
      registration_id: code.registrationId,
      phone: code.phone,
      client_ip: code.clientIp,
      code_hmac: code.codeHmac,
      status: 'active',
      created_at: code.createdAt,
      expires_at: code.expiresAt,
      resend_available_at: code.resendAvailableAt,
    })
    .execute();
}

export async function latestCodeForUpdate(conn: DbOrTx, registrationId: string) {
  return conn
    .selectFrom('otp_codes')
    .selectAll()
    .where('registration_id', '=', registrationId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function recordAttempt(conn: DbOrTx, id: string, attempts: number, status: 'active' | 'used' | 'exhausted'): Promise<void> {
  await conn.updateTable('otp_codes').set({ attempts, status }).where('id', '=', id).execute();
}
