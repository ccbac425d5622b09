import { sql, type Kysely } from 'kysely';

// The two sign-in steps in one round trip each, as a registration's start is (0011): a start was 9
// statements (BEGIN, profile, sign-in, lock, counts, code, SMS with its job, audit, COMMIT), a code
// check 9 as well. Same writes, same order of locks (the phone's advisory lock, then rows).
//
// The typed code is compared as the HMAC the caller computed (otp.rules `hashOtp`, bound to the
// sign-in's id, which the caller derives from the handle: session.rules `signinIdFor`). Comparing two
// HMACs under a key the caller cannot choose leaks nothing through timing (the "double HMAC"
// argument), so plain `=` stands in for the constant-time compare done in TypeScript elsewhere.
//
// `otp_judge` is otp.rules `judgeAttempt` and `mask_phone` is masking `maskPhone`, for statements that
// decide inside the database; otp-judge.db.test.ts and masking.db.test.ts check them against the TypeScript.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION mask_phone(p_phone text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
      SELECT CASE WHEN length(p_phone) < 8 THEN '***' ELSE left(p_phone, 5) || '***' || right(p_phone, 4) END
    $fn$`.execute(db);

  // What a typed code does to the latest stored one (status NULL: there is none): the answer
  // ('ok', 'OTP_INVALID', 'OTP_EXPIRED', 'OTP_ATTEMPTS_EXCEEDED'), the attempts left after a wrong
  // code, and the attempt to record (record_status NULL: nothing to record).
  await sql`
    CREATE FUNCTION otp_judge(
      p_status text, p_expires_at timestamptz, p_attempts integer, p_matches boolean, p_max_attempts integer, p_now timestamptz,
      OUT verification text, OUT attempts_left integer, OUT record_attempts integer, OUT record_status text
    ) LANGUAGE plpgsql IMMUTABLE AS $fn$
    BEGIN
      IF p_status IS NULL OR p_status IN ('voided', 'used') THEN
        verification := 'OTP_EXPIRED';
      ELSIF p_status = 'exhausted' THEN
        verification := 'OTP_ATTEMPTS_EXCEEDED';
      ELSIF p_expires_at <= p_now THEN
        verification := 'OTP_EXPIRED';
      ELSIF p_matches THEN
        verification := 'ok';
        record_attempts := p_attempts + 1;
        record_status := 'used';
      ELSE
        verification := 'OTP_INVALID';
        record_attempts := p_attempts + 1;
        attempts_left := GREATEST(0, p_max_attempts - record_attempts);
        record_status := CASE WHEN attempts_left = 0 THEN 'exhausted' ELSE 'active' END;
      END IF;
    END
    $fn$`.execute(db);

  // A sign-in's start: under the phone's lock the sign-in send limits (otp_send_refusal), then the
  // sign-in with the phone's Digital ID (if any), its code, one of three prepared SMS — the code
  // (1), how to register when the phone has no Digital ID (2), that it is blocked (3) — with its job,
  // and the audit event. Over a limit nothing is written (refused, oldest). sms: the SMS chosen.
  await sql`
    CREATE FUNCTION signin_start(
      p_id uuid, p_handle_hash bytea, p_phone text, p_language text, p_client_ip text, p_now timestamptz, p_expires_at timestamptz,
      p_window_start timestamptz, p_limit_phone integer, p_limit_ip integer,
      p_code_id uuid, p_code_hmac bytea, p_code_expires_at timestamptz, p_resend_available_at timestamptz,
      p_sms_queue text, p_sms_ids uuid[], p_sms_purposes text[], p_sms_bodies text[], p_sms_bodies_encrypted bytea[], p_sms_priorities integer[],
      p_sms_retry_limit integer, p_sms_retry_delay integer, p_sms_retry_backoff boolean, p_sms_expire_seconds integer,
      p_audit_type text, p_audit_subject text,
      OUT refused text, OUT oldest timestamptz, OUT sms integer
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_profile_id uuid;
      v_blocked_at timestamptz;
    BEGIN
      SELECT r.refused, r.oldest INTO refused, oldest
      FROM otp_send_refusal('signin', p_phone, p_client_ip, p_window_start, p_limit_phone, p_limit_ip) r;
      IF refused IS NOT NULL THEN
        RETURN;
      END IF;
      SELECT d.id, d.blocked_at INTO v_profile_id, v_blocked_at
      FROM digital_profiles d WHERE d.phone = p_phone ORDER BY d.created_at DESC LIMIT 1;
      sms := CASE WHEN v_profile_id IS NULL THEN 2 WHEN v_blocked_at IS NOT NULL THEN 3 ELSE 1 END;

      INSERT INTO signins (id, handle_hash, phone, profile_id, language, client_ip, status, created_at, expires_at)
      VALUES (p_id, p_handle_hash, p_phone, v_profile_id, p_language, p_client_ip, 'pending', p_now, p_expires_at);
      INSERT INTO otp_codes (id, signin_id, purpose, phone, client_ip, code_hmac, status, created_at, expires_at, resend_available_at)
      VALUES (p_code_id, p_id, 'signin', p_phone, p_client_ip, p_code_hmac, 'active', p_now, p_code_expires_at, p_resend_available_at);
      PERFORM sms_enqueue(p_sms_queue, p_sms_ids[sms], p_phone, p_language, p_sms_purposes[sms], p_sms_bodies[sms], p_sms_bodies_encrypted[sms],
                          p_sms_priorities[sms], p_sms_retry_limit, p_sms_retry_delay, p_sms_retry_backoff, p_sms_expire_seconds);
      INSERT INTO audit_events (type, actor, profile_id, subject, client_ip, details)
      VALUES (p_audit_type, 'citizen', v_profile_id, p_audit_subject, p_client_ip, '{}');
    END
    $fn$`.execute(db);

  // A sign-in's code: the pending sign-in (row-locked, as every check and resend of it is) and its
  // latest code (row-locked); the attempt is recorded whatever the result. A wrong, expired or used-up
  // code is audited (p_failed_audit_type); a right one leads to the phone's usable Digital ID, and then
  // the sign-in completes and the session opens with its audit event.
  // outcome: 'ok', 'SIGNIN_NOT_FOUND', 'SIGNIN_EXPIRED' (also a sign-in whose id is not the one derived
  // from its handle), an otp_judge verification, 'DIGITAL_ID_NOT_FOUND' or 'DIGITAL_ID_BLOCKED'.
  await sql`
    CREATE FUNCTION signin_verify(
      p_handle_hash bytea, p_signin_id uuid, p_code_hmac bytea, p_now timestamptz, p_max_attempts integer, p_client_ip text,
      p_session_id uuid, p_session_token_hash bytea, p_session_method text, p_session_assurance text, p_user_agent text,
      p_failed_audit_type text, p_session_audit_type text,
      OUT outcome text, OUT attempts_left integer
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_signin record;
      v_code record;
      v_judge record;
      v_profile record;
    BEGIN
      SELECT s.id, s.phone, s.profile_id, s.status, s.expires_at INTO v_signin
      FROM signins s WHERE s.handle_hash = p_handle_hash FOR UPDATE;
      IF NOT FOUND THEN
        outcome := 'SIGNIN_NOT_FOUND';
        RETURN;
      END IF;
      IF v_signin.id <> p_signin_id OR v_signin.status <> 'pending' OR v_signin.expires_at <= p_now THEN
        outcome := 'SIGNIN_EXPIRED';
        RETURN;
      END IF;

      SELECT c.id, c.code_hmac, c.status, c.attempts, c.expires_at INTO v_code
      FROM otp_codes c WHERE c.signin_id = v_signin.id ORDER BY c.created_at DESC LIMIT 1 FOR UPDATE;
      SELECT * INTO v_judge FROM otp_judge(v_code.status, v_code.expires_at, v_code.attempts, COALESCE(v_code.code_hmac = p_code_hmac, false), p_max_attempts, p_now);
      IF v_judge.record_status IS NOT NULL THEN
        UPDATE otp_codes SET attempts = v_judge.record_attempts, status = v_judge.record_status WHERE id = v_code.id;
      END IF;
      IF v_judge.verification <> 'ok' THEN
        outcome := v_judge.verification;
        attempts_left := v_judge.attempts_left;
        INSERT INTO audit_events (type, actor, profile_id, subject, client_ip, details)
        VALUES (p_failed_audit_type, 'citizen', v_signin.profile_id, mask_phone(v_signin.phone), p_client_ip, jsonb_build_object('reason', v_judge.verification));
        RETURN;
      END IF;

      SELECT d.id, d.blocked_at INTO v_profile FROM digital_profiles d WHERE d.id = v_signin.profile_id FOR UPDATE;
      IF v_profile.id IS NULL THEN
        outcome := 'DIGITAL_ID_NOT_FOUND';
        RETURN;
      END IF;
      IF v_profile.blocked_at IS NOT NULL THEN
        outcome := 'DIGITAL_ID_BLOCKED';
        RETURN;
      END IF;
      UPDATE signins SET status = 'completed', completed_at = p_now WHERE id = v_signin.id;
      INSERT INTO citizen_sessions (id, token_hash, profile_id, assurance, method, user_agent, client_ip, created_at, last_seen_at)
      VALUES (p_session_id, p_session_token_hash, v_profile.id, p_session_assurance, p_session_method, p_user_agent, p_client_ip, p_now, p_now);
      INSERT INTO audit_events (type, actor, profile_id, client_ip, details)
      VALUES (p_session_audit_type, 'citizen', v_profile.id, p_client_ip,
              jsonb_build_object('sessionId', p_session_id, 'method', p_session_method, 'assurance', p_session_assurance));
      outcome := 'ok';
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS signin_verify`.execute(db);
  await sql`DROP FUNCTION IF EXISTS signin_start`.execute(db);
  await sql`DROP FUNCTION IF EXISTS otp_judge`.execute(db);
  await sql`DROP FUNCTION IF EXISTS mask_phone`.execute(db);
}
