import { sql, type Kysely } from 'kysely';

// The IIN step (embedded registry) in one round trip: the token check with the idle touch
// (registration_authorize, 0022) and iin_step (0021) were two statements; now one function call.
//
// iin_step needs two keys of the registration's phone that only the application can make (HMACs
// under its secret): the phone's key among the IIN lookups (iin-attempts.service `phoneHash`) and its
// video-check lock subject (video-check-lock.service `subjects`). A start now stores both with the
// registration (registration_start below: 0011's function with the two keys); the step reads them
// with the row it authorises. A registration started before this migration has none: the step then
// answers keys_missing and the caller takes the two-call way. The phone's masked forms come from
// `mask_phone` (0019, held equal to masking `maskPhone` by masking.db.test.ts).
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE registrations ADD COLUMN iin_attempt_phone_hash bytea, ADD COLUMN lock_phone_hash bytea`.execute(db);

  // 0011's registration_start with the phone's two keys; 0011's stays for a server of the previous
  // release still running beside this one (its registrations take the two-call IIN step).
  await sql`
    CREATE FUNCTION registration_start(
      p_id uuid, p_token_hash bytea, p_state text, p_phone text, p_language text, p_now timestamptz, p_expires_at timestamptz,
      p_iin_attempt_phone_hash bytea, p_lock_phone_hash bytea,
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
      INSERT INTO registrations (id, token_hash, state, phone, language, created_at, updated_at, expires_at, iin_attempt_phone_hash, lock_phone_hash)
      VALUES (p_id, p_token_hash, p_state, p_phone, p_language, p_now, p_now, p_expires_at, p_iin_attempt_phone_hash, p_lock_phone_hash);
      INSERT INTO otp_codes (id, registration_id, purpose, phone, client_ip, code_hmac, status, created_at, expires_at, resend_available_at)
      VALUES (p_code_id, p_id, 'registration', p_phone, p_client_ip, p_code_hmac, 'active', p_now, p_code_expires_at, p_resend_available_at);
      PERFORM sms_enqueue(p_sms_queue, p_sms_id, p_phone, p_language, 'otp', p_sms_body, p_sms_body_encrypted,
                          p_sms_priority, p_sms_retry_limit, p_sms_retry_delay, p_sms_retry_backoff, p_sms_expire_seconds);
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (p_audit_type, 'citizen', p_id, p_audit_subject, p_client_ip, '{}');
    END
    $fn$`.execute(db);

  // The authorised registration's IIN step: nothing more unless it is in p_expected_state and has
  // its phone's keys; else iin_step with the phone, its keys and its masked forms from the row, and
  // the IIN's lock subject (p_lock_iin_hash) beside the phone's.
  await sql`
    CREATE FUNCTION registration_iin_step(
      p_id uuid, p_token_hash bytea, p_closed text[], p_never_idle text[], p_now timestamptz, p_expires_at timestamptz,
      p_expected_state text, p_attempt_id uuid, p_iin text, p_iin_hash bytea, p_client_ip text,
      p_window_seconds integer, p_limit_registration integer, p_limit_phone integer, p_limit_ip integer,
      p_end_to text, p_end_reason text, p_end_audit_type text, p_end_audit_details jsonb, p_limited_audit_type text,
      p_audit_subject text, p_accept_to text, p_accepted_audit_type text, p_already_audit_type text,
      p_not_found_audit_type text, p_mismatch_audit_type text, p_lock_iin_hash bytea,
      OUT reg_token_hash bytea, OUT reg_state text, OUT reg_expires_at timestamptz, OUT keys_missing boolean,
      OUT state text, OUT reg_count integer, OUT phone_count integer, OUT phone_oldest timestamptz,
      OUT ip_count integer, OUT ip_oldest timestamptz, OUT recorded boolean,
      OUT outcome text, OUT failed integer, OUT masked_name text,
      OUT lock_failed_checks integer[], OUT lock_locked_until timestamptz[], OUT lock_updated_at timestamptz[]
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_phone text;
      v_authorized boolean;
      v_keys record;
      v_masked_phone text;
    BEGIN
      SELECT a.reg_token_hash, a.reg_state, a.reg_expires_at, a.reg_phone, a.authorized
      INTO reg_token_hash, reg_state, reg_expires_at, v_phone, v_authorized
      FROM registration_authorize(p_id, p_token_hash, p_closed, p_never_idle, p_now, p_expires_at) a;
      IF NOT v_authorized OR reg_state <> p_expected_state THEN
        RETURN;
      END IF;
      SELECT r.iin_attempt_phone_hash, r.lock_phone_hash INTO v_keys FROM registrations r WHERE r.id = p_id;
      IF v_keys.iin_attempt_phone_hash IS NULL OR v_keys.lock_phone_hash IS NULL THEN
        keys_missing := true;
        RETURN;
      END IF;
      keys_missing := false;
      v_masked_phone := mask_phone(v_phone);

      SELECT s.state, s.reg_count, s.phone_count, s.phone_oldest, s.ip_count, s.ip_oldest, s.recorded,
             s.outcome, s.failed, s.masked_name, s.lock_failed_checks, s.lock_locked_until, s.lock_updated_at
      INTO state, reg_count, phone_count, phone_oldest, ip_count, ip_oldest, recorded,
           outcome, failed, masked_name, lock_failed_checks, lock_locked_until, lock_updated_at
      FROM iin_step(p_id, p_expected_state, p_attempt_id, v_phone, v_keys.iin_attempt_phone_hash, p_iin, p_iin_hash, p_client_ip,
                    p_now, p_window_seconds, p_limit_registration, p_limit_phone, p_limit_ip,
                    p_end_to, p_end_reason, p_end_audit_type, v_masked_phone, p_end_audit_details,
                    p_limited_audit_type, v_masked_phone,
                    p_audit_subject, p_accept_to, p_accepted_audit_type, p_already_audit_type,
                    p_not_found_audit_type, '{}'::jsonb, p_mismatch_audit_type, jsonb_build_object('phone', v_masked_phone),
                    ARRAY['iin', 'phone'], ARRAY[p_lock_iin_hash, v_keys.lock_phone_hash]) s;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS registration_iin_step`.execute(db);
  await sql`DROP FUNCTION IF EXISTS registration_start(uuid, bytea, text, text, text, timestamptz, timestamptz, bytea, bytea, text, timestamptz, integer, integer, uuid, bytea, timestamptz, timestamptz, text, uuid, text, bytea, integer, integer, integer, boolean, integer, text, text, text)`.execute(db);
  await sql`ALTER TABLE registrations DROP COLUMN IF EXISTS iin_attempt_phone_hash, DROP COLUMN IF EXISTS lock_phone_hash`.execute(db);
}
