import { sql, type Kysely } from 'kysely';

// A resend of the registration's code in one round trip, as a start is (registration_start, 0011):
// under the registration's row lock (every attempt and resend of it takes that lock, so they follow
// one another) the cooldown of its latest code is checked (otp.rules `resendRetryAfter`), then the send
// limits under the phone's lock (otp_send_refusal); the active code is voided and the new one, its SMS
// with its job and the audit event written — or, over a send limit, only the refusal's audit event.
// state: the registration's state as found (NULL: none; another than p_expected_state: nothing done).
// refused: 'cooldown' (resend_available_at: the latest code's), 'phone' or 'ip' (oldest: that limit's oldest send).
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION registration_resend(
      p_registration_id uuid, p_expected_state text, p_phone text, p_language text, p_now timestamptz, p_client_ip text,
      p_window_start timestamptz, p_limit_phone integer, p_limit_ip integer,
      p_code_id uuid, p_code_hmac bytea, p_code_expires_at timestamptz, p_resend_available_at timestamptz,
      p_sms_queue text, p_sms_id uuid, p_sms_body text, p_sms_body_encrypted bytea,
      p_sms_priority integer, p_sms_retry_limit integer, p_sms_retry_delay integer, p_sms_retry_backoff boolean, p_sms_expire_seconds integer,
      p_audit_type text, p_audit_details jsonb, p_refused_audit_type text, p_audit_subject text,
      OUT state text, OUT refused text, OUT oldest timestamptz, OUT resend_available_at timestamptz
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      SELECT r.state INTO state FROM registrations r WHERE r.id = p_registration_id FOR UPDATE;
      IF state IS NULL OR state <> p_expected_state THEN
        RETURN;
      END IF;
      SELECT c.resend_available_at INTO resend_available_at FROM otp_codes c
      WHERE c.registration_id = p_registration_id ORDER BY c.created_at DESC LIMIT 1;
      IF resend_available_at > p_now THEN
        refused := 'cooldown';
        RETURN;
      END IF;

      SELECT r.refused, r.oldest INTO refused, oldest
      FROM otp_send_refusal('registration', p_phone, p_client_ip, p_window_start, p_limit_phone, p_limit_ip) r;
      IF refused IS NOT NULL THEN
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_refused_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip, '{}');
        RETURN;
      END IF;

      UPDATE otp_codes SET status = 'voided' WHERE registration_id = p_registration_id AND status = 'active';
      INSERT INTO otp_codes (id, registration_id, purpose, phone, client_ip, code_hmac, status, created_at, expires_at, resend_available_at)
      VALUES (p_code_id, p_registration_id, 'registration', p_phone, p_client_ip, p_code_hmac, 'active', p_now, p_code_expires_at, p_resend_available_at);
      PERFORM sms_enqueue(p_sms_queue, p_sms_id, p_phone, p_language, 'otp', p_sms_body, p_sms_body_encrypted,
                          p_sms_priority, p_sms_retry_limit, p_sms_retry_delay, p_sms_retry_backoff, p_sms_expire_seconds);
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (p_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip, p_audit_details);
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS registration_resend`.execute(db);
}
