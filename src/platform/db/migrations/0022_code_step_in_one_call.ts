import { sql, type Kysely } from 'kysely';

// The code step in one round trip: the token check with the idle touch (registration.store
// `findAndTouch`) and the attempt (`recordOtpAttempt`) were two statements; now one function call.
//
// `registration_authorize` locks the registration's row and touches it exactly when findAndTouch
// does (the token matches, the state is not closed, and it has not idled out); it returns the row as
// it was, and the caller decides on it with the same rules as before (registration.service
// `authorizeRegistration`), so 401/404/409/410 answer as they did. Holding the row lock from the
// start, the attempt needs no optimistic retry: every attempt and resend of a registration locks
// that row, so they follow one another.
//
// The typed code arrives as its HMAC (otp.rules `hashOtp`, bound to the registration's id, which the
// caller has from the URL) and is compared with `=`, as in signin_verify (0019, the "double HMAC"
// argument); `otp_judge` (0019) is otp.rules `judgeAttempt`, held equal by otp-judge.db.test.ts.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION registration_authorize(
      p_id uuid, p_token_hash bytea, p_closed text[], p_never_idle text[], p_now timestamptz, p_expires_at timestamptz,
      OUT reg_token_hash bytea, OUT reg_state text, OUT reg_expires_at timestamptz, OUT reg_phone text, OUT authorized boolean
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      SELECT r.token_hash, r.state, r.expires_at, r.phone INTO reg_token_hash, reg_state, reg_expires_at, reg_phone
      FROM registrations r WHERE r.id = p_id FOR UPDATE;
      authorized := FOUND AND reg_token_hash = p_token_hash AND reg_state <> ALL(p_closed)
                    AND (reg_state = ANY(p_never_idle) OR reg_expires_at > p_now);
      IF authorized THEN
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
      END IF;
    END
    $fn$`.execute(db);

  // The authorised registration's code: nothing more unless it is in p_from; else its latest code
  // judged, the attempt recorded (whatever the result: committed with the call, so wrong guesses
  // always count), the move to p_to for a right code, and the audit event (verified; failed, or
  // locked when the last attempt was spent). verification NULL: not authorised or not in p_from.
  await sql`
    CREATE FUNCTION registration_code_step(
      p_id uuid, p_token_hash bytea, p_closed text[], p_never_idle text[], p_now timestamptz, p_expires_at timestamptz,
      p_from text, p_to text, p_code_hmac bytea, p_max_attempts integer, p_client_ip text,
      p_verified_audit_type text, p_failed_audit_type text, p_locked_audit_type text,
      OUT reg_token_hash bytea, OUT reg_state text, OUT reg_expires_at timestamptz, OUT verification text, OUT attempts_left integer
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_phone text;
      v_authorized boolean;
      v_code record;
      v_judge record;
      v_audit_type text;
      v_details jsonb := '{}';
    BEGIN
      SELECT a.reg_token_hash, a.reg_state, a.reg_expires_at, a.reg_phone, a.authorized
      INTO reg_token_hash, reg_state, reg_expires_at, v_phone, v_authorized
      FROM registration_authorize(p_id, p_token_hash, p_closed, p_never_idle, p_now, p_expires_at) a;
      IF NOT v_authorized OR reg_state <> p_from THEN
        RETURN;
      END IF;

      SELECT c.id, c.code_hmac, c.status, c.attempts, c.expires_at INTO v_code
      FROM otp_codes c WHERE c.registration_id = p_id ORDER BY c.created_at DESC LIMIT 1;
      SELECT * INTO v_judge FROM otp_judge(v_code.status, v_code.expires_at, v_code.attempts, COALESCE(v_code.code_hmac = p_code_hmac, false), p_max_attempts, p_now);
      verification := v_judge.verification;
      attempts_left := v_judge.attempts_left;
      IF v_judge.record_status IS NOT NULL THEN
        UPDATE otp_codes SET attempts = v_judge.record_attempts, status = v_judge.record_status WHERE id = v_code.id;
      END IF;

      IF verification = 'ok' THEN
        UPDATE registrations SET state = p_to, updated_at = p_now WHERE id = p_id;
        v_audit_type := p_verified_audit_type;
      ELSE
        v_audit_type := CASE WHEN verification = 'OTP_INVALID' AND attempts_left = 0 THEN p_locked_audit_type ELSE p_failed_audit_type END;
        v_details := jsonb_build_object('reason', verification);
      END IF;
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (v_audit_type, 'citizen', p_id, mask_phone(v_phone), p_client_ip, v_details);
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS registration_code_step`.execute(db);
  await sql`DROP FUNCTION IF EXISTS registration_authorize`.execute(db);
}
