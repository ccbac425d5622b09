import { sql, type Kysely } from 'kysely';

// The code and IIN steps with fewer writes and fewer statements inside their one call.
//
// registration_code_step (0022) and registration_iin_step (0023) keep their signatures and answers; their
// bodies no longer call the functions they were composed of, which each took the registration's row
// lock again and wrote the row again:
// - the row is locked once (registration_authorize locked it, then iin_attempt_begin and iin_attempt_finish
//   each again) and written once: the idle touch and the move are one UPDATE at the end, where they were two
//   new row versions, each with its WAL record;
// - the IIN lookup is recorded with its outcome (the registry answers inside this call), where it was
//   inserted 'pending' and then updated; the three limits are counted in one statement (the registration's
//   lookups and its failed ones in one scan: the failed count after this lookup is that count plus this one,
//   under the same row lock), and the registry's answer and the two Digital ID checks are one statement;
// - the authorisation (registration_authorized below) is the expression registration_authorize decided with,
//   now one function all three use; registration_authorize stays for the old paths and old servers.
// What is locked and in which order is unchanged (the registration's row, then the phone's advisory lock
// with iin_attempt_begin's key, before any count), so the old functions (a server of the previous release,
// the http registry's three calls, a registration started before 0023) and these exclude one another.
//
// Also, index entries no query reads: an audit event of a registration has no profile_id, and
// audit_events_profile_idx (0015) took an entry for its NULL (its queries look profile ids up: `profile_id = $1`,
// `IN (…)`): partial now, as 0024 did for others. registrations_iin_idx is read by no query at all (the
// one condition on registrations.iin, video-check-lock.store `countChecksInFlight`, is one arm of an OR across
// a join, which no index of registrations serves); because the IIN step's move sets `iin`, that index made its
// UPDATE a non-HOT one, writing a new entry into every index of the table. Without it the move is a HOT update
// when the page has room. Dropping an index is safe beside a server of the previous release.
// PostgreSQL 15 features only.

/** What JavaScript's trim() removes (0021's list): ASCII whitespace, NBSP, the Unicode spaces, line and paragraph separators, BOM. */
const JS_WHITESPACE = String.raw`E' \t\n\r\f\x0b\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION registration_authorized(
      r_token_hash bytea, r_state text, r_expires_at timestamptz, p_token_hash bytea, p_closed text[], p_never_idle text[], p_now timestamptz
    ) RETURNS boolean LANGUAGE sql IMMUTABLE AS $fn$
      SELECT r_token_hash = p_token_hash AND r_state <> ALL(p_closed) AND (r_state = ANY(p_never_idle) OR r_expires_at > p_now)
    $fn$`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION registration_authorize(
      p_id uuid, p_token_hash bytea, p_closed text[], p_never_idle text[], p_now timestamptz, p_expires_at timestamptz,
      OUT reg_token_hash bytea, OUT reg_state text, OUT reg_expires_at timestamptz, OUT reg_phone text, OUT authorized boolean
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      SELECT r.token_hash, r.state, r.expires_at, r.phone INTO reg_token_hash, reg_state, reg_expires_at, reg_phone
      FROM registrations r WHERE r.id = p_id FOR UPDATE;
      authorized := FOUND AND registration_authorized(reg_token_hash, reg_state, reg_expires_at, p_token_hash, p_closed, p_never_idle, p_now);
      IF authorized THEN
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
      END IF;
    END
    $fn$`.execute(db);

  // 0022's code step: the same judgement, attempt, move and audit; the touch and the move in one UPDATE.
  await sql`
    CREATE OR REPLACE FUNCTION registration_code_step(
      p_id uuid, p_token_hash bytea, p_closed text[], p_never_idle text[], p_now timestamptz, p_expires_at timestamptz,
      p_from text, p_to text, p_code_hmac bytea, p_max_attempts integer, p_client_ip text,
      p_verified_audit_type text, p_failed_audit_type text, p_locked_audit_type text,
      OUT reg_token_hash bytea, OUT reg_state text, OUT reg_expires_at timestamptz, OUT verification text, OUT attempts_left integer
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_phone text;
      v_code record;
      v_judge record;
      v_audit_type text;
      v_details jsonb := '{}';
    BEGIN
      SELECT r.token_hash, r.state, r.expires_at, r.phone INTO reg_token_hash, reg_state, reg_expires_at, v_phone
      FROM registrations r WHERE r.id = p_id FOR UPDATE;
      IF NOT FOUND OR NOT registration_authorized(reg_token_hash, reg_state, reg_expires_at, p_token_hash, p_closed, p_never_idle, p_now) THEN
        RETURN;
      END IF;
      IF reg_state <> p_from THEN
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
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
        UPDATE registrations SET state = p_to, updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        v_audit_type := p_verified_audit_type;
      ELSE
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        v_audit_type := CASE WHEN verification = 'OTP_INVALID' AND attempts_left = 0 THEN p_locked_audit_type ELSE p_failed_audit_type END;
        v_details := jsonb_build_object('reason', verification);
      END IF;
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (v_audit_type, 'citizen', p_id, mask_phone(v_phone), p_client_ip, v_details);
    END
    $fn$`.execute(db);

  // 0023's IIN step, with iin_step (0021), iin_attempt_begin (0012) and iin_attempt_finish (0028) in its body:
  // the same locks, limits, lookup, outcomes (phone_in_use included), moves, audit events and answers.
  await sql`
    CREATE OR REPLACE FUNCTION registration_iin_step(
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
      v_reg record;
      v_since timestamptz := p_now - p_window_seconds * interval '1 second';
      v_used record;
      v_oldest timestamptz;
      v_masked_phone text;
      v_masked_name text;
      v_person record;
      v_audit_type text;
      v_audit_details jsonb := '{}';
    BEGIN
      SELECT r.token_hash, r.state, r.expires_at, r.phone, r.iin_attempt_phone_hash, r.lock_phone_hash INTO v_reg
      FROM registrations r WHERE r.id = p_id FOR UPDATE;
      IF NOT FOUND THEN
        RETURN;
      END IF;
      reg_token_hash := v_reg.token_hash;
      reg_state := v_reg.state;
      reg_expires_at := v_reg.expires_at;
      IF NOT registration_authorized(reg_token_hash, reg_state, reg_expires_at, p_token_hash, p_closed, p_never_idle, p_now) THEN
        RETURN;
      END IF;
      IF reg_state <> p_expected_state OR v_reg.iin_attempt_phone_hash IS NULL OR v_reg.lock_phone_hash IS NULL THEN
        keys_missing := CASE WHEN reg_state = p_expected_state THEN true END;
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        RETURN;
      END IF;
      keys_missing := false;
      state := reg_state;
      v_masked_phone := mask_phone(v_reg.phone);
      recorded := false;

      -- The lookups used so far, under the phone's lock: the registration's (and its failed ones), the
      -- phone's and the IP's in the window, each count stopping at its limit. One statement; the answer
      -- carries only the counts iin_attempt_begin made (it stopped at the first limit reached).
      PERFORM pg_advisory_xact_lock(hashtext('iin-phone:' || encode(v_reg.iin_attempt_phone_hash, 'hex')));
      SELECT r.used, r.failed, ph.n AS phone_n, ph.oldest AS phone_oldest, ip.n AS ip_n, ip.oldest AS ip_oldest INTO v_used
      FROM (SELECT count(*) FILTER (WHERE a.outcome <> 'unavailable') AS used,
                   count(*) FILTER (WHERE a.outcome NOT IN ('unavailable', 'accepted')) AS failed
            FROM iin_attempts a WHERE a.registration_id = p_id) r,
           (SELECT count(*) AS n, min(s.created_at) AS oldest FROM (
              SELECT a.created_at FROM iin_attempts a
              WHERE a.phone_hash = v_reg.iin_attempt_phone_hash AND a.created_at > v_since AND a.outcome <> 'unavailable'
              ORDER BY a.created_at LIMIT p_limit_phone) s) ph,
           (SELECT count(*) AS n, min(s.created_at) AS oldest FROM (
              SELECT a.created_at FROM iin_attempts a
              WHERE a.client_ip = p_client_ip AND a.created_at > v_since AND a.outcome <> 'unavailable'
              ORDER BY a.created_at LIMIT p_limit_ip) s) ip;
      reg_count := v_used.used;
      phone_count := 0;
      ip_count := 0;
      IF reg_count >= p_limit_registration THEN
        UPDATE registrations SET state = p_end_to, rejection_reason = p_end_reason, updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_end_audit_type, 'citizen', p_id, v_masked_phone, p_client_ip, p_end_audit_details);
        RETURN;
      END IF;
      phone_count := v_used.phone_n;
      phone_oldest := v_used.phone_oldest;
      IF phone_count >= p_limit_phone THEN
        v_oldest := phone_oldest;
      ELSE
        ip_count := v_used.ip_n;
        ip_oldest := v_used.ip_oldest;
        v_oldest := ip_oldest;
      END IF;
      IF phone_count >= p_limit_phone OR ip_count >= p_limit_ip THEN
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_limited_audit_type, 'citizen', p_id, v_masked_phone, p_client_ip,
                jsonb_build_object('retryAfter', GREATEST(1, CEIL(EXTRACT(EPOCH FROM (COALESCE(v_oldest, p_now) + p_window_seconds * interval '1 second' - p_now))))::integer));
        RETURN;
      END IF;

      -- The lookup (registry_check_person, as the embedded gateway's checkPerson) and what our own Digital
      -- IDs make of it (iin_attempt_finish as of 0028): an IIN with a Digital ID is 'already_registered';
      -- a phone another Digital ID has is 'phone_in_use', for an IIN the registry knows that has none.
      SELECT p.first_name, p.last_name, p.bound,
             EXISTS (SELECT 1 FROM digital_profiles d WHERE d.iin = p_iin) AS iin_taken,
             EXISTS (SELECT 1 FROM digital_profiles d WHERE d.phone = v_reg.phone) AS phone_taken
      INTO v_person FROM registry_check_person(p_iin, v_reg.phone) p;
      IF NOT FOUND THEN
        outcome := 'not_found';
        v_audit_type := p_not_found_audit_type;
      ELSE
        IF v_person.bound THEN
          v_masked_name := mask_name(v_person.first_name, v_person.last_name);
          masked_name := v_masked_name;
        END IF;
        IF v_person.iin_taken AND v_person.bound THEN
          outcome := 'already_registered';
          v_audit_type := p_already_audit_type;
        ELSIF v_person.phone_taken AND NOT v_person.iin_taken THEN
          outcome := 'phone_in_use';
          v_audit_type := 'iin.phone_in_use';
        ELSIF NOT v_person.bound THEN
          outcome := 'bmg_mismatch';
          v_audit_type := p_mismatch_audit_type;
          v_audit_details := jsonb_build_object('phone', v_masked_phone);
        ELSE
          outcome := 'accepted';
        END IF;
      END IF;

      INSERT INTO iin_attempts (id, registration_id, phone_hash, iin_hash, client_ip, outcome, created_at)
      VALUES (p_attempt_id, p_id, v_reg.iin_attempt_phone_hash, p_iin_hash, p_client_ip, outcome, p_now);
      recorded := true;

      IF outcome = 'accepted' THEN
        UPDATE registrations SET state = p_accept_to, iin = p_iin, masked_name = v_masked_name, updated_at = p_now, expires_at = p_expires_at
        WHERE id = p_id;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_accepted_audit_type, 'citizen', p_id, p_audit_subject, p_client_ip, '{}');
        SELECT array_agg(l.failed_checks), array_agg(l.locked_until), array_agg(l.updated_at)
        INTO lock_failed_checks, lock_locked_until, lock_updated_at
        FROM video_check_locks l JOIN unnest(ARRAY['iin', 'phone'], ARRAY[p_lock_iin_hash, v_reg.lock_phone_hash]) AS s(kind, hash)
          ON l.subject_kind = s.kind AND l.subject_hash = s.hash;
        RETURN;
      END IF;

      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      VALUES (v_audit_type, 'citizen', p_id, p_audit_subject, p_client_ip, v_audit_details);
      -- This failure among the registration's failed lookups; none left (iin-attempts.rules \`iinAttemptsLeft\`) ends it.
      failed := v_used.failed + 1;
      IF failed >= p_limit_registration THEN
        UPDATE registrations SET state = p_end_to, rejection_reason = p_end_reason, updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_end_audit_type, 'citizen', p_id, v_masked_phone, p_client_ip, p_end_audit_details);
      ELSE
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
      END IF;
    END
    $fn$`.execute(db);

  // 0021's mask_name with its whitespace literal written out where 0021 selected it FROM a subquery: a
  // function with a FROM is not inlined, so every call parsed and planned its body anew (fmgr_sql).
  await sql.raw(`
    CREATE OR REPLACE FUNCTION mask_name(p_first_name text, p_last_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
      SELECT CASE WHEN left(btrim(p_last_name, ${JS_WHITESPACE}), 1) = '' THEN btrim(p_first_name, ${JS_WHITESPACE})
                  ELSE btrim(p_first_name, ${JS_WHITESPACE}) || ' ' || left(btrim(p_last_name, ${JS_WHITESPACE}), 1) || '.' END
    $fn$`).execute(db);

  await sql`DROP INDEX audit_events_profile_idx`.execute(db);
  await sql`CREATE INDEX audit_events_profile_idx ON audit_events (profile_id, at) WHERE profile_id IS NOT NULL`.execute(db);
  await sql`DROP INDEX registrations_iin_idx`.execute(db);
}

// The indexes as they were. The functions keep 0026's bodies: they answer as 0021's, 0022's and 0023's did,
// and a server of the previous release calls them with the same arguments.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX registrations_iin_idx ON registrations (iin) WHERE iin IS NOT NULL`.execute(db);
  await sql`DROP INDEX audit_events_profile_idx`.execute(db);
  await sql`CREATE INDEX audit_events_profile_idx ON audit_events (profile_id, at)`.execute(db);
}
