import { sql, type Kysely } from 'kysely';

// Each write step in one round trip: the statements a step made one by one inside a transaction
// (BEGIN, …, COMMIT: 9 round trips for a start) run as one SQL function call, which PostgreSQL runs
// as one transaction. Decisions that need no lock stay in TypeScript; the functions do only what must
// happen under the lock, in the same order as before.
//
// Why a function and not one statement with CTEs: every statement sees the snapshot taken when it
// began, so a count made in the same statement as the advisory lock would miss a send committed while
// the statement waited for that lock. A VOLATILE plpgsql function takes a fresh snapshot for each of
// its statements (PostgreSQL docs, "Function Volatility Categories"), so the count after the lock sees
// every send committed before it: the limits stay race-free.
//
// `sms_enqueue` inlines pg-boss 10's own job insert (node_modules/pg-boss/src/plans.js `insertJob`,
// with the job's options given and no singleton/start-after): the job is the same row pg-boss would
// have written, its worker, retries, expiry and supervision are unchanged. sms.enqueue.db.test.ts
// compares it with a job that pg-boss's `send` writes, so an upgrade that changes the table fails there.
// otp_codes.purpose (codes of registrations and of sign-ins have their own limits) is added by 0015:
// plpgsql resolves column names when a function first runs, after every migration has.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION sms_enqueue(
      p_queue text, p_id uuid, p_phone text, p_language text, p_purpose text, p_body text, p_body_encrypted bytea,
      p_priority integer, p_retry_limit integer, p_retry_delay integer, p_retry_backoff boolean, p_expire_seconds integer
    ) RETURNS void LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      INSERT INTO sms_messages (id, phone, language, purpose, body, body_encrypted, status)
      VALUES (p_id, p_phone, p_language, p_purpose, p_body, p_body_encrypted, 'queued');
      INSERT INTO pgboss.job (id, name, data, priority, start_after, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
      SELECT gen_random_uuid(), q.name, jsonb_build_object('messageId', p_id), p_priority, now(), q.dead_letter,
             p_expire_seconds * interval '1s',
             now() + CAST(COALESCE((q.retention_minutes * 60)::text, '14 days') AS interval),
             p_retry_limit,
             CASE WHEN p_retry_backoff THEN GREATEST(p_retry_delay, 1) ELSE p_retry_delay END,
             p_retry_backoff, q.policy
      FROM pgboss.queue q
      WHERE q.name = p_queue;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'SMS queue % is missing', p_queue;
      END IF;
    END
    $fn$`.execute(db);

  // The send limits of a phone (serialised by its advisory lock) and of an IP (counted unlocked, as
  // before: see otp.store.ts), for codes of one purpose. Returns the limit that refuses the send and its oldest send, or nulls.
  // Each count stops at its limit (the oldest sends in the window, from the (phone|client_ip,
  // created_at) indexes): a busy address costs no more than a quiet one.
  await sql`
    CREATE FUNCTION otp_send_refusal(
      p_purpose text, p_phone text, p_client_ip text, p_window_start timestamptz, p_limit_phone integer, p_limit_ip integer,
      OUT refused text, OUT oldest timestamptz
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_count bigint;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('otp-phone:' || p_phone));
      SELECT count(*), min(created_at) INTO v_count, oldest
      FROM (SELECT created_at FROM otp_codes WHERE phone = p_phone AND created_at > p_window_start AND purpose = p_purpose ORDER BY created_at LIMIT p_limit_phone) s;
      IF v_count >= p_limit_phone THEN
        refused := 'phone';
        RETURN;
      END IF;
      SELECT count(*), min(created_at) INTO v_count, oldest
      FROM (SELECT created_at FROM otp_codes WHERE client_ip = p_client_ip AND created_at > p_window_start AND purpose = p_purpose ORDER BY created_at LIMIT p_limit_ip) s;
      IF v_count >= p_limit_ip THEN
        refused := 'ip';
        RETURN;
      END IF;
      oldest := NULL;
    END
    $fn$`.execute(db);

  // A start: the registration, its first code, the SMS with its job and the audit event — or, over a
  // send limit, only the audit event of the refusal (p_refused_audit_type).
  await sql`
    CREATE FUNCTION registration_start(
      p_id uuid, p_token_hash bytea, p_state text, p_phone text, p_language text, p_now timestamptz, p_expires_at timestamptz,
      p_client_ip text, p_window_start timestamptz, p_limit_phone integer, p_limit_ip integer,
      p_code_id uuid, p_code_hmac bytea, p_code_expires_at timestamptz, p_resend_available_at timestamptz,
      p_sms_queue text, p_sms_id uuid, p_sms_body text, p_sms_body_encrypted bytea,
      p_sms_priority integer, p_sms_retry_limit integer, p_sms_retry_delay integer, p_sms_retry_backoff boolean, p_sms_expire_seconds integer,
      p_audit_type text, p_refused_audit_type text, p_audit_subject text,
      OUT refused text, OUT oldest timestamptz
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      SELECT r.refused, r.oldest INTO refused, oldest
      FROM otp_send_refusal('registration', p_phone, p_client_ip, p_window_start, p_limit_phone, p_limit_ip) r;
      IF refused IS NOT NULL THEN
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_refused_audit_type, 'citizen', NULL, p_audit_subject, p_client_ip, '{}');
        RETURN;
      END IF;
      INSERT INTO registrations (id, token_hash, state, phone, language, created_at, updated_at, expires_at)
      VALUES (p_id, p_token_hash, p_state, p_phone, p_language, p_now, p_now, p_expires_at);
      INSERT INTO otp_codes (id, registration_id, purpose, phone, client_ip, code_hmac, status, created_at, expires_at, resend_available_at)
      VALUES (p_code_id, p_id, 'registration', p_phone, p_client_ip, p_code_hmac, 'active', p_now, p_code_expires_at, p_resend_available_at);
      PERFORM sms_enqueue(p_sms_queue, p_sms_id, p_phone, p_language, 'otp', p_sms_body, p_sms_body_encrypted,
                          p_sms_priority, p_sms_retry_limit, p_sms_retry_delay, p_sms_retry_backoff, p_sms_expire_seconds);
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (p_audit_type, 'citizen', p_id, p_audit_subject, p_client_ip, '{}');
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS registration_start`.execute(db);
  await sql`DROP FUNCTION IF EXISTS otp_send_refusal`.execute(db);
  await sql`DROP FUNCTION IF EXISTS sms_enqueue`.execute(db);
}
