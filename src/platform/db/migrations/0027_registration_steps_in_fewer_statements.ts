import { sql, type Kysely } from 'kysely';

// The start and the IIN step with fewer statements inside their one call: the same locks, in the same
// order, the same rows written and the same answers. Inside a plpgsql function each statement has its own
// cost beside its work (a snapshot, the plan's locks checked, an executor started and ended), and a function
// called from the body one more call frame:
// - registration_start: after the phone's advisory lock, one statement counts the sends (each count stopping
//   at its limit, as otp_send_refusal) and writes either the registration, its code, the SMS row (sms_enqueue's,
//   0025, with its check of the queue's name) and the audit event, or only the refusal's audit event:
//   2 statements, where there were 9 in 3 calls;
// - registration_iin_step: after the row lock and the phone's lock, one statement reads the counts, the
//   registry's answer and our Digital IDs', and one writes the lookup, the touch or move and the audit events
//   (the end's after the failure's), and for an accepted IIN reads the person's video-check locks: 4 statements
//   where there were 9 (the rare limit-refused paths keep their two writes).
// The count after a lock stays a statement of its own: a VOLATILE function's statement takes its snapshot
// when it starts, so it sees every send or lookup committed before the lock was granted (0011), which a
// statement taking the lock itself would not. Within one statement the writes share the snapshot that the
// statement before them (the lock) left current.
// Counted with callgrind on PostgreSQL 15 (one backend, the same rows): the start's function runs ~7 % fewer
// instructions, the IIN step's ~2 %; the rest is the rows' own work (relations and indexes opened and locked,
// index entries, the foreign-key check, WAL), which one statement does as many. The code step (0026) is left:
// as one statement it ran no fewer.
// Also registrations_phone_idx, an index entry per start that no query reads: the one condition on
// registrations.phone (video-check-lock.store `countChecksInFlight`) is one arm of an OR across a join, as
// the condition on registrations.iin was when 0026 dropped registrations_iin_idx.
// otp_send_refusal and sms_enqueue stay as they are for the sign-in and resend functions.
// PostgreSQL 15 features only.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION registration_start(
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
      PERFORM pg_advisory_xact_lock(hashtext('otp-phone:' || p_phone));
      -- A statement of its own after the lock: its snapshot sees every send committed before the lock was ours.
      WITH phone_sends AS (
             SELECT count(*) AS n, min(s.created_at) AS oldest FROM (
               SELECT c.created_at FROM otp_codes c
               WHERE c.phone = p_phone AND c.created_at > p_window_start AND c.purpose = 'registration'
               ORDER BY c.created_at LIMIT p_limit_phone) s),
           ip_sends AS (
             SELECT count(*) AS n, min(s.created_at) AS oldest FROM (
               SELECT c.created_at FROM otp_codes c
               WHERE c.client_ip = p_client_ip AND c.created_at > p_window_start AND c.purpose = 'registration'
               ORDER BY c.created_at LIMIT p_limit_ip) s),
           verdict AS (
             SELECT CASE WHEN ph.n >= p_limit_phone THEN 'phone' WHEN ip.n >= p_limit_ip THEN 'ip' END AS refused,
                    CASE WHEN ph.n >= p_limit_phone THEN ph.oldest WHEN ip.n >= p_limit_ip THEN ip.oldest END AS oldest
             FROM phone_sends ph, ip_sends ip),
           registration AS (
             INSERT INTO registrations (id, token_hash, state, phone, language, created_at, updated_at, expires_at, iin_attempt_phone_hash, lock_phone_hash)
             SELECT p_id, p_token_hash, p_state, p_phone, p_language, p_now, p_now, p_expires_at, p_iin_attempt_phone_hash, p_lock_phone_hash
             FROM verdict WHERE verdict.refused IS NULL
             RETURNING id),
           code AS (
             INSERT INTO otp_codes (id, registration_id, purpose, phone, client_ip, code_hmac, status, created_at, expires_at, resend_available_at)
             SELECT p_code_id, registration.id, 'registration', p_phone, p_client_ip, p_code_hmac, 'active', p_now, p_code_expires_at, p_resend_available_at
             FROM registration),
           -- sms_enqueue's row (0025).
           sms AS (
             INSERT INTO sms_messages (id, phone, language, purpose, body, body_encrypted, status,
                                       priority, retry_limit, retry_backoff, retry_delay, expire_seconds, next_attempt_at)
             SELECT p_sms_id, p_phone, p_language, 'otp', p_sms_body, p_sms_body_encrypted, 'queued',
                    p_sms_priority, p_sms_retry_limit, p_sms_retry_backoff,
                    CASE WHEN p_sms_retry_backoff THEN GREATEST(p_sms_retry_delay, 1) ELSE p_sms_retry_delay END,
                    p_sms_expire_seconds, now()
             FROM verdict WHERE verdict.refused IS NULL),
           audit AS (
             INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
             SELECT CASE WHEN verdict.refused IS NULL THEN p_audit_type ELSE p_refused_audit_type END, 'citizen',
                    CASE WHEN verdict.refused IS NULL THEN p_id END, p_audit_subject, p_client_ip, '{}'
             FROM verdict)
      SELECT verdict.refused, verdict.oldest INTO refused, oldest FROM verdict;
      -- sms_enqueue's check: the outbox is the only SMS queue (the error undoes the statement above).
      IF refused IS NULL AND p_sms_queue IS DISTINCT FROM 'sms-send' THEN
        RAISE EXCEPTION 'SMS queue % is missing', p_sms_queue;
      END IF;
    END
    $fn$`.execute(db);

  // 0026's IIN step: the same locks, limits, lookup, outcomes, moves, audit events and answers. After the
  // phone's lock, one statement reads (the counts, the registry's answer and our Digital IDs') and one writes
  // (the lookup, the touch or move, the audit events; for an accepted IIN the person's video-check locks).
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
      v_seen record;
      v_oldest timestamptz;
      v_audit_type text;
      v_audit_details jsonb := '{}';
      v_masked_name text;
      v_ends boolean;
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
      recorded := false;

      -- Under the phone's lock, in one statement: the lookups used so far — the registration's (and its failed
      -- ones), the phone's and the IP's in the window, each count stopping at its limit; the answer carries
      -- only the counts iin_attempt_begin made (it stopped at the first limit reached) — and the lookup itself
      -- (registry_check_person, as the embedded gateway's checkPerson) with what our own Digital IDs make of it,
      -- used only when no limit refuses.
      PERFORM pg_advisory_xact_lock(hashtext('iin-phone:' || encode(v_reg.iin_attempt_phone_hash, 'hex')));
      SELECT r.used, r.failed, ph.n AS phone_n, ph.oldest AS phone_oldest, ip.n AS ip_n, ip.oldest AS ip_oldest,
             p.known IS NOT NULL AS known, p.first_name, p.last_name, p.bound, p.iin_taken, p.phone_taken INTO v_seen
      FROM (SELECT count(*) FILTER (WHERE a.outcome <> 'unavailable') AS used,
                   count(*) FILTER (WHERE a.outcome NOT IN ('unavailable', 'accepted')) AS failed
            FROM iin_attempts a WHERE a.registration_id = p_id) r
           CROSS JOIN (SELECT count(*) AS n, min(s.created_at) AS oldest FROM (
              SELECT a.created_at FROM iin_attempts a
              WHERE a.phone_hash = v_reg.iin_attempt_phone_hash AND a.created_at > v_since AND a.outcome <> 'unavailable'
              ORDER BY a.created_at LIMIT p_limit_phone) s) ph
           CROSS JOIN (SELECT count(*) AS n, min(s.created_at) AS oldest FROM (
              SELECT a.created_at FROM iin_attempts a
              WHERE a.client_ip = p_client_ip AND a.created_at > v_since AND a.outcome <> 'unavailable'
              ORDER BY a.created_at LIMIT p_limit_ip) s) ip
           LEFT JOIN LATERAL (
              SELECT true AS known, rp.first_name, rp.last_name, rp.bound,
                     EXISTS (SELECT 1 FROM digital_profiles d WHERE d.iin = p_iin) AS iin_taken,
                     EXISTS (SELECT 1 FROM digital_profiles d WHERE d.phone = v_reg.phone) AS phone_taken
              FROM registry_check_person(p_iin, v_reg.phone) rp) p ON true;
      reg_count := v_seen.used;
      phone_count := 0;
      ip_count := 0;
      IF reg_count >= p_limit_registration THEN
        UPDATE registrations SET state = p_end_to, rejection_reason = p_end_reason, updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_end_audit_type, 'citizen', p_id, mask_phone(v_reg.phone), p_client_ip, p_end_audit_details);
        RETURN;
      END IF;
      phone_count := v_seen.phone_n;
      phone_oldest := v_seen.phone_oldest;
      IF phone_count >= p_limit_phone THEN
        v_oldest := phone_oldest;
      ELSE
        ip_count := v_seen.ip_n;
        ip_oldest := v_seen.ip_oldest;
        v_oldest := ip_oldest;
      END IF;
      IF phone_count >= p_limit_phone OR ip_count >= p_limit_ip THEN
        UPDATE registrations SET updated_at = p_now, expires_at = p_expires_at WHERE id = p_id;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_limited_audit_type, 'citizen', p_id, mask_phone(v_reg.phone), p_client_ip,
                jsonb_build_object('retryAfter', GREATEST(1, CEIL(EXTRACT(EPOCH FROM (COALESCE(v_oldest, p_now) + p_window_seconds * interval '1 second' - p_now))))::integer));
        RETURN;
      END IF;

      -- An IIN with a Digital ID is 'already_registered'; a phone another Digital ID has is 'phone_in_use',
      -- for an IIN the registry knows that has none (iin_attempt_finish as of 0028).
      IF NOT v_seen.known THEN
        outcome := 'not_found';
        v_audit_type := p_not_found_audit_type;
      ELSE
        IF v_seen.bound THEN
          v_masked_name := mask_name(v_seen.first_name, v_seen.last_name);
          masked_name := v_masked_name;
        END IF;
        IF v_seen.iin_taken AND v_seen.bound THEN
          outcome := 'already_registered';
          v_audit_type := p_already_audit_type;
        ELSIF v_seen.phone_taken AND NOT v_seen.iin_taken THEN
          outcome := 'phone_in_use';
          v_audit_type := 'iin.phone_in_use';
        ELSIF NOT v_seen.bound THEN
          outcome := 'bmg_mismatch';
          v_audit_type := p_mismatch_audit_type;
          v_audit_details := jsonb_build_object('phone', mask_phone(v_reg.phone));
        ELSE
          outcome := 'accepted';
        END IF;
      END IF;
      recorded := true;

      IF outcome = 'accepted' THEN
        WITH attempt AS (
               INSERT INTO iin_attempts (id, registration_id, phone_hash, iin_hash, client_ip, outcome, created_at)
               VALUES (p_attempt_id, p_id, v_reg.iin_attempt_phone_hash, p_iin_hash, p_client_ip, 'accepted', p_now)),
             move AS (
               UPDATE registrations SET state = p_accept_to, iin = p_iin, masked_name = v_masked_name, updated_at = p_now, expires_at = p_expires_at
               WHERE id = p_id),
             audit AS (
               INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
               VALUES (p_accepted_audit_type, 'citizen', p_id, p_audit_subject, p_client_ip, '{}'))
        SELECT array_agg(l.failed_checks), array_agg(l.locked_until), array_agg(l.updated_at)
        INTO lock_failed_checks, lock_locked_until, lock_updated_at
        FROM video_check_locks l
        WHERE (l.subject_kind, l.subject_hash) IN (('iin', p_lock_iin_hash), ('phone', v_reg.lock_phone_hash));
        RETURN;
      END IF;

      -- This failure among the registration's failed lookups; none left (iin-attempts.rules \`iinAttemptsLeft\`)
      -- ends it, with its audit event after the failure's.
      failed := v_seen.failed + 1;
      v_ends := failed >= p_limit_registration;
      WITH attempt AS (
             INSERT INTO iin_attempts (id, registration_id, phone_hash, iin_hash, client_ip, outcome, created_at)
             VALUES (p_attempt_id, p_id, v_reg.iin_attempt_phone_hash, p_iin_hash, p_client_ip, outcome, p_now)),
           touch_or_end AS (
             UPDATE registrations SET state = CASE WHEN v_ends THEN p_end_to ELSE registrations.state END,
                                      rejection_reason = CASE WHEN v_ends THEN p_end_reason ELSE registrations.rejection_reason END,
                                      updated_at = p_now, expires_at = p_expires_at
             WHERE id = p_id)
      INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
      SELECT e.type, 'citizen', p_id, e.subject, p_client_ip, e.details
      FROM (VALUES (1, v_audit_type, p_audit_subject, v_audit_details),
                   (2, p_end_audit_type, mask_phone(v_reg.phone), p_end_audit_details)) AS e(n, type, subject, details)
      WHERE e.n = 1 OR v_ends
      ORDER BY e.n;
    END
    $fn$`.execute(db);

  await sql`DROP INDEX registrations_phone_idx`.execute(db);
}

// The bodies of 0023 (start) and 0026 (IIN step), and the index.
export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX registrations_phone_idx ON registrations (phone)`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION registration_start(
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
}
