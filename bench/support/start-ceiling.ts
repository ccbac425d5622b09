// Diagnostic for bench:api (BENCH_ONLY=ceiling): the most a registration start could reach on this
// database. A bare Fastify route, as the floor's, writes in one statement only the rows a start must
// write — the registration, its code, the SMS row and the audit event, each with its table's indexes
// and foreign keys, under the phone's advisory lock — with values of the same sizes as a start's. No
// limits counted, no token, no SMS text rendered or sealed, no app frame: its req/s against the floor's
// is the share of the floor a start could reach at best.
// The SMS row is queued far in the future, so it takes its entry in the worker's due index but the
// benchmark's SMS worker never claims it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.js';
import { maskPhone } from '../../src/platform/masking.js';
import { INITIAL_STATE } from '../../src/registration/registration.rules.js';

export const START_CEILING_PATH = '/start-ceiling';

/** A sealed SMS text's size (sms.body.ts `sealBody`: AES-256-GCM of the Russian code text, with IV and tag). */
const SEALED_BODY_BYTES = 120;
const REDACTED_BODY = 'Digital ID: код ******. Никому не сообщайте.';

export function registerStartCeiling(app: FastifyInstance, db: Db, phoneBase: number): void {
  let seq = 0;
  app.post(START_CEILING_PATH, async () => {
    const n = seq++;
    const phone = `+7702${String((phoneBase + n) % 1e7).padStart(7, '0')}`;
    const clientIp = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const id = randomUUID();
    const now = new Date();
    await sql`
      WITH phone_lock AS (SELECT pg_advisory_xact_lock(hashtext('otp-phone:' || ${phone}::text))),
           registration AS (
             INSERT INTO registrations (id, token_hash, state, phone, language, created_at, updated_at, expires_at, iin_attempt_phone_hash, lock_phone_hash)
             SELECT ${id}::uuid, ${randomBytes(32)}, ${INITIAL_STATE}, ${phone}, 'ru', ${now}, ${now}, ${new Date(now.getTime() + 1_800_000)}, ${randomBytes(32)}, ${randomBytes(32)}
             FROM phone_lock RETURNING id),
           code AS (
             INSERT INTO otp_codes (id, registration_id, purpose, phone, client_ip, code_hmac, status, created_at, expires_at, resend_available_at)
             SELECT ${randomUUID()}::uuid, registration.id, 'registration', ${phone}, ${clientIp}, ${randomBytes(32)}, 'active', ${now}, ${now}, ${now}
             FROM registration),
           sms AS (
             INSERT INTO sms_messages (id, phone, language, purpose, body, body_encrypted, status, priority, retry_limit, retry_backoff, retry_delay, expire_seconds, next_attempt_at)
             SELECT ${randomUUID()}::uuid, ${phone}, 'ru', 'otp', ${REDACTED_BODY}, ${randomBytes(SEALED_BODY_BYTES)}, 'queued', 0, 3, true, 5, 120, 'infinity'::timestamptz
             FROM phone_lock)
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      SELECT 'otp.sent', 'citizen', registration.id, ${maskPhone(phone)}, ${clientIp}, '{}' FROM registration`.execute(db);
    return { ok: true };
  });
}
