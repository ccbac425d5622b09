import { sql, type Kysely } from 'kysely';

// 1. 0011's registration_start, the start without the phone's two keys, which 0023 kept for a server of the
// release before it. No code calls it since 0023 (registration.store `startRegistration` passes the keys),
// so no server of the previous release does either; the start with the keys (0023) stays.
//
// 2. What our own Digital IDs make of the registry's answer (0028's rule), in one function:
// iin_lookup_outcome. For an IIN the registry knows ('accepted' when BMG binds the phone to it, else
// 'bmg_mismatch'): 'already_registered' if it is bound and has a Digital ID; 'phone_in_use' if it has none
// and another Digital ID has the phone. iin_attempt_finish (the http registry's three calls, iin_step) asks
// it now. Its body is one expression of its arguments, which PostgreSQL inlines into the caller's
// expression, so registration_iin_step (0026), which writes the same rule out, can ask it too at no cost.
// Same signatures, locks, outcomes and audit events.
// PostgreSQL 15 features only.
const SUPERSEDED_START = sql.raw(`registration_start(
  uuid, bytea, text, text, text, timestamptz, timestamptz, text, timestamptz, integer, integer,
  uuid, bytea, timestamptz, timestamptz, text, uuid, text, bytea, integer, integer, integer, boolean, integer,
  text, text, text)`);

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS ${SUPERSEDED_START}`.execute(db);

  // Arguments that are plain values (variables, columns), not subqueries: an argument used twice in the
  // body that holds a subquery keeps the function from being inlined.
  await sql`
    CREATE FUNCTION iin_lookup_outcome(p_registry_outcome text, p_iin_has_digital_id boolean, p_phone_has_digital_id boolean)
    RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
      SELECT CASE
        WHEN p_registry_outcome = 'accepted' AND p_iin_has_digital_id THEN 'already_registered'
        WHEN p_registry_outcome IN ('accepted', 'bmg_mismatch') AND p_phone_has_digital_id AND NOT p_iin_has_digital_id THEN 'phone_in_use'
        ELSE p_registry_outcome
      END
    $fn$`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION iin_attempt_finish(
      p_attempt_id uuid, p_registration_id uuid, p_outcome text, p_now timestamptz, p_client_ip text, p_audit_subject text,
      p_iin text, p_masked_name text, p_accept_from text, p_accept_to text, p_accepted_audit_type text, p_already_audit_type text,
      p_failed_audit_type text, p_failed_audit_details jsonb,
      p_limit_registration integer, p_end_to text, p_end_reason text, p_end_audit_type text, p_end_audit_subject text, p_end_audit_details jsonb,
      OUT outcome text, OUT state text, OUT failed integer
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_outcome text;
      v_audit_type text := p_failed_audit_type;
      v_audit_details jsonb := p_failed_audit_details;
      v_phone text;
      v_iin_has_digital_id boolean := false;
      v_phone_has_digital_id boolean := false;
    BEGIN
      SELECT r.state, r.phone INTO state, v_phone FROM registrations r WHERE r.id = p_registration_id FOR UPDATE;
      IF p_outcome IN ('accepted', 'bmg_mismatch') THEN
        v_iin_has_digital_id := EXISTS (SELECT 1 FROM digital_profiles d WHERE d.iin = p_iin);
        v_phone_has_digital_id := EXISTS (SELECT 1 FROM digital_profiles d WHERE d.phone = v_phone);
      END IF;
      v_outcome := iin_lookup_outcome(p_outcome, v_iin_has_digital_id, v_phone_has_digital_id);
      IF v_outcome = 'accepted' THEN
        UPDATE registrations SET state = p_accept_to, iin = p_iin, masked_name = p_masked_name, updated_at = p_now
        WHERE id = p_registration_id AND registrations.state = p_accept_from;
        IF NOT FOUND THEN
          outcome := 'state';
          RETURN;
        END IF;
        UPDATE iin_attempts SET outcome = 'accepted' WHERE id = p_attempt_id;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_accepted_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip, '{}');
        outcome := 'accepted';
        RETURN;
      ELSIF v_outcome = 'already_registered' THEN
        v_audit_type := p_already_audit_type;
        v_audit_details := '{}';
      ELSIF v_outcome = 'phone_in_use' THEN
        v_audit_type := 'iin.phone_in_use';
        v_audit_details := '{}';
      END IF;

      outcome := v_outcome;
      UPDATE iin_attempts SET outcome = v_outcome WHERE id = p_attempt_id;
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (v_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip, v_audit_details);
      SELECT count(*) INTO failed FROM iin_attempts a
      WHERE a.registration_id = p_registration_id AND a.outcome NOT IN ('unavailable', 'accepted');
      -- None left (iin-attempts.rules \`iinAttemptsLeft\`). Under the row lock: a concurrent lookup that
      -- already ended the registration leaves nothing to end.
      IF failed >= p_limit_registration AND state = p_accept_from THEN
        UPDATE registrations SET state = p_end_to, rejection_reason = p_end_reason, updated_at = p_now
        WHERE id = p_registration_id AND registrations.state = p_accept_from;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_end_audit_type, 'citizen', p_registration_id, p_end_audit_subject, p_client_ip, p_end_audit_details);
      END IF;
    END
    $fn$`.execute(db);
}

// 0028's iin_attempt_finish, and 0011's registration_start (their texts).
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION iin_attempt_finish(
      p_attempt_id uuid, p_registration_id uuid, p_outcome text, p_now timestamptz, p_client_ip text, p_audit_subject text,
      p_iin text, p_masked_name text, p_accept_from text, p_accept_to text, p_accepted_audit_type text, p_already_audit_type text,
      p_failed_audit_type text, p_failed_audit_details jsonb,
      p_limit_registration integer, p_end_to text, p_end_reason text, p_end_audit_type text, p_end_audit_subject text, p_end_audit_details jsonb,
      OUT outcome text, OUT state text, OUT failed integer
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_outcome text := p_outcome;
      v_audit_type text := p_failed_audit_type;
      v_audit_details jsonb := p_failed_audit_details;
      v_phone text;
    BEGIN
      SELECT r.state, r.phone INTO state, v_phone FROM registrations r WHERE r.id = p_registration_id FOR UPDATE;
      IF v_outcome = 'accepted' THEN
        IF EXISTS (SELECT 1 FROM digital_profiles d WHERE d.iin = p_iin) THEN
          v_outcome := 'already_registered';
          v_audit_type := p_already_audit_type;
          v_audit_details := '{}';
        ELSIF EXISTS (SELECT 1 FROM digital_profiles d WHERE d.phone = v_phone) THEN
          v_outcome := 'phone_in_use';
          v_audit_type := 'iin.phone_in_use';
          v_audit_details := '{}';
        ELSE
          UPDATE registrations SET state = p_accept_to, iin = p_iin, masked_name = p_masked_name, updated_at = p_now
          WHERE id = p_registration_id AND registrations.state = p_accept_from;
          IF NOT FOUND THEN
            outcome := 'state';
            RETURN;
          END IF;
          UPDATE iin_attempts SET outcome = 'accepted' WHERE id = p_attempt_id;
          INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
          VALUES (p_accepted_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip, '{}');
          outcome := 'accepted';
          RETURN;
        END IF;
      ELSIF v_outcome = 'bmg_mismatch' AND EXISTS (SELECT 1 FROM digital_profiles d WHERE d.phone = v_phone)
            AND NOT EXISTS (SELECT 1 FROM digital_profiles d WHERE d.iin = p_iin) THEN
          v_outcome := 'phone_in_use';
          v_audit_type := 'iin.phone_in_use';
          v_audit_details := '{}';
      END IF;

      outcome := v_outcome;
      UPDATE iin_attempts SET outcome = v_outcome WHERE id = p_attempt_id;
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (v_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip, v_audit_details);
      SELECT count(*) INTO failed FROM iin_attempts a
      WHERE a.registration_id = p_registration_id AND a.outcome NOT IN ('unavailable', 'accepted');
      -- None left (iin-attempts.rules \`iinAttemptsLeft\`). Under the row lock: a concurrent lookup that
      -- already ended the registration leaves nothing to end.
      IF failed >= p_limit_registration AND state = p_accept_from THEN
        UPDATE registrations SET state = p_end_to, rejection_reason = p_end_reason, updated_at = p_now
        WHERE id = p_registration_id AND registrations.state = p_accept_from;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_end_audit_type, 'citizen', p_registration_id, p_end_audit_subject, p_client_ip, p_end_audit_details);
      END IF;
    END
    $fn$`.execute(db);
  await sql`DROP FUNCTION IF EXISTS iin_lookup_outcome`.execute(db);

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
