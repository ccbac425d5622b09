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

/** What a code belongs to: a registration, a sign-in or a change of phone; each purpose counts its own send limits. */
export type OtpOwner = { purpose: 'registration'; id: string } | { purpose: 'signin'; id: string } | { purpose: 'phone_change'; id: string };

function ownerColumn(owner: OtpOwner): 'registration_id' | 'signin_id' | 'phone_change_id' {
  return owner.purpose === 'signin' ? 'signin_id' : owner.purpose === 'phone_change' ? 'phone_change_id' : 'registration_id';
}

export interface SendCount {
  count: number;
  oldest: Date | null;
}

/** Codes of `purpose` sent to the phone and from the IP since `since`, with the oldest of each for a Retry-After. */
export async function countSendsSince(conn: DbOrTx, purpose: OtpOwner['purpose'], phone: string, ip: string, since: Date): Promise<{ phone: SendCount; ip: SendCount }> {
  const { rows } = await sql<{ phone_count: string; phone_oldest: Date | null; ip_count: string; ip_oldest: Date | null }>`
    select count(*) filter (where phone = ${phone}) as phone_count,
           min(created_at) filter (where phone = ${phone}) as phone_oldest,
           count(*) filter (where client_ip = ${ip}) as ip_count,
           min(created_at) filter (where client_ip = ${ip}) as ip_oldest
    from otp_codes
    where created_at > ${since} and purpose = ${purpose} and (phone = ${phone} or client_ip = ${ip})`.execute(conn);
  const row = rows[0];
  return {
    phone: { count: Number(row.phone_count), oldest: row.phone_oldest ? new Date(row.phone_oldest) : null },
    ip: { count: Number(row.ip_count), oldest: row.ip_oldest ? new Date(row.ip_oldest) : null },
  };
}

export async function voidActiveCodes(conn: DbOrTx, owner: OtpOwner): Promise<void> {
  await conn.updateTable('otp_codes').set({ status: 'voided' }).where(ownerColumn(owner), '=', owner.id).where('status', '=', 'active').execute();
}

export async function insertCode(
  conn: DbOrTx,
  code: { id: string; owner: OtpOwner; phone: string; clientIp: string; codeHmac: Buffer; createdAt: Date; expiresAt: Date; resendAvailableAt: Date },
): Promise<void> {
  await conn
    .insertInto('otp_codes')
    .values({
      id: code.id,
      registration_id: code.owner.purpose === 'registration' ? code.owner.id : null,
      signin_id: code.owner.purpose === 'signin' ? code.owner.id : null,
      phone_change_id: code.owner.purpose === 'phone_change' ? code.owner.id : null,
      purpose: code.owner.purpose,
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

export async function latestCodeForUpdate(conn: DbOrTx, owner: OtpOwner) {
  return conn
    .selectFrom('otp_codes')
    .selectAll()
    .where(ownerColumn(owner), '=', owner.id)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function recordAttempt(conn: DbOrTx, id: string, attempts: number, status: 'active' | 'used' | 'exhausted'): Promise<void> {
  await conn.updateTable('otp_codes').set({ attempts, status }).where('id', '=', id).execute();
}
