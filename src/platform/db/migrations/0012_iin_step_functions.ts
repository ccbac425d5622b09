import { sql, type Kysely } from 'kysely';

// The IIN step's writes in two round trips instead of two transactions of five to seven statements
// each (see 0011 for why functions and not CTE statements: the counts after a lock must see what
// committed while it was awaited). The registry is asked between the two, outside any transaction,
// because the registry may be a remote service.
//
// The moves (AWAITING_IIN → AWAITING_VIDEO_CHECK, AWAITING_IIN → REJECTED) arrive as parameters that
// registration.store checked against the transition table, and each moves only from its expected
// state, as `transition()` does. Audit event types, subjects and details arrive typed from
// TypeScript; only Retry-After, which needs the oldest lookup read under the lock, is computed here
// (the same arithmetic as limits.rules `limitRetryAfter`).
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  // A lookup about to be made: under the registration's row lock and the phone's advisory lock, the
  // lookups used so far are counted (iin-attempts.rules `refuseIinAttempt`, in the same order: the
  // registration's, the phone's, the IP's; each count stops at its limit) and the lookup is recorded
  // (outcome 'pending') — or refused: at the registration's limit the registration ends (p_end_*), at
  // the phone's or the IP's daily limit only the refusal is audited.
  // state: the registration's state as found (NULL: no such registration; another than
  // p_expected_state: nothing was done). The counts are returned for the caller's answer.
  await sql`
    CREATE FUNCTION iin_attempt_begin(
      p_registration_id uuid, p_expected_state text, p_attempt_id uuid, p_phone_hash bytea, p_iin_hash bytea, p_client_ip text,
      p_now timestamptz, p_window_seconds integer, p_limit_registration integer, p_limit_phone integer, p_limit_ip integer,
      p_end_to text, p_end_reason text, p_end_audit_type text, p_end_audit_details jsonb,
      p_limited_audit_type text, p_audit_subject text,
      OUT state text, OUT reg_count integer, OUT phone_count integer, OUT phone_oldest timestamptz,
      OUT ip_count integer, OUT ip_oldest timestamptz, OUT recorded boolean
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_since timestamptz := p_now - p_window_seconds * interval '1 second';
      v_oldest timestamptz;
    BEGIN
      recorded := false;
      reg_count := 0;
      phone_count := 0;
      ip_count := 0;
      SELECT r.state INTO state FROM registrations r WHERE r.id = p_registration_id FOR UPDATE;
      IF state IS NULL OR state <> p_expected_state THEN
        RETURN;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('iin-phone:' || encode(p_phone_hash, 'hex')));

      SELECT count(*) INTO reg_count FROM iin_attempts a WHERE a.registration_id = p_registration_id AND a.outcome <> 'unavailable';
      IF reg_count >= p_limit_registration THEN
        UPDATE registrations SET state = p_end_to, rejection_reason = p_end_reason, updated_at = p_now
        WHERE id = p_registration_id AND registrations.state = p_expected_state;
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_end_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip, p_end_audit_details);
        RETURN;
      END IF;

      SELECT count(*), min(s.created_at) INTO phone_count, phone_oldest FROM (
        SELECT a.created_at FROM iin_attempts a
        WHERE a.phone_hash = p_phone_hash AND a.created_at > v_since AND a.outcome <> 'unavailable'
        ORDER BY a.created_at LIMIT p_limit_phone) s;
      v_oldest := phone_oldest;
      IF phone_count < p_limit_phone THEN
        SELECT count(*), min(s.created_at) INTO ip_count, ip_oldest FROM (
          SELECT a.created_at FROM iin_attempts a
          WHERE a.client_ip = p_client_ip AND a.created_at > v_since AND a.outcome <> 'unavailable'
          ORDER BY a.created_at LIMIT p_limit_ip) s;
        v_oldest := ip_oldest;
      END IF;
      IF phone_count >= p_limit_phone OR ip_count >= p_limit_ip THEN
        INSERT INTO audit_events (type, actor, registration_id, subject, client_ip, details)
        VALUES (p_limited_audit_type, 'citizen', p_registration_id, p_audit_subject, p_client_ip,
                jsonb_build_object('retryAfter', GREATEST(1, CEIL(EXTRACT(EPOCH FROM (COALESCE(v_oldest, p_now) + p_window_seconds * interval '1 second' - p_now))))::integer));
        RETURN;
      END IF;

      INSERT INTO iin_attempts (id, registration_id, phone_hash, iin_hash, client_ip, outcome, created_at)
      VALUES (p_attempt_id, p_registration_id, p_phone_hash, p_iin_hash, p_client_ip, 'pending', p_now);
      recorded := true;
    END
    $fn$`.execute(db);

  // A lookup's outcome, under the registration's row lock. 'accepted' (the registry knows the IIN and
  // BMG binds it to the phone) moves the registration on with the person, unless the IIN already has
  // a digital profile, which makes it 'already_registered'. A failed one is audited and counted; the
  // registration's last allowed failure ends it (p_end_*).
  // outcome: what was recorded ('state': the registration was no longer in p_accept_from, nothing was
  // written); state: the registration's state as found; failed: the registration's failed lookups, after a failure.
  await sql`
    CREATE FUNCTION iin_attempt_finish(
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
    BEGIN
      SELECT r.state INTO state FROM registrations r WHERE r.id = p_registration_id FOR UPDATE;
      IF v_outcome = 'accepted' THEN
        IF EXISTS (SELECT 1 FROM digital_profiles d WHERE d.iin = p_iin) THEN
          v_outcome := 'already_registered';
          v_audit_type := p_already_audit_type;
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

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS iin_attempt_finish`.execute(db);
  await sql`DROP FUNCTION IF EXISTS iin_attempt_begin`.execute(db);
}
