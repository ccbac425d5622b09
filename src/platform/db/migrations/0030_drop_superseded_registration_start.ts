import { sql, type Kysely } from 'kysely';

// 0011's registration_start, the start without the phone's two keys, which 0023 kept for a server of the
// release before it. No code calls it since 0023 (registration.store `startRegistration` passes the keys),
// so no server of the previous release does either; the start with the keys (0023) stays.
// PostgreSQL 15 features only.
const SUPERSEDED_START = sql.raw(`registration_start(
  uuid, bytea, text, text, text, timestamptz, timestamptz, text, timestamptz, integer, integer,
  uuid, bytea, timestamptz, timestamptz, text, uuid, text, bytea, integer, integer, integer, boolean, integer,
  text, text, text)`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS ${SUPERSEDED_START}`.execute(db);
}

// 0011's text.
export async function down(db: Kysely<any>): Promise<void> {
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
