import { sql, type Kysely } from 'kysely';

// The IIN step in one round trip when the registry is embedded (its tables in our database): the
// lookup's accounting (iin_attempt_begin, 0012), the registry and BMG lookup (registry_check_person),
// the outcome (iin_attempt_finish, 0012) and the person's video-check lock for the answer, in one
// function call instead of four statements. With a remote registry the step keeps its three calls
// (begin, the registry over HTTP, finish): a network call never runs inside a transaction.
//
// `registry_check_person` is the embedded registry's answer to the gateway's `checkPerson`; the
// embedded gateway answers that call with it too (registry.store `findPersonAndBinding`), so both
// paths ask the same question. `mask_name` is masking `maskName` (the masked name is written with the
// accepted IIN); platform/masking.db.test.ts checks it against the TypeScript.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION registry_check_person(p_iin text, p_phone text)
    RETURNS TABLE (iin text, last_name text, first_name text, middle_name text, birth_date text, sex text, has_photo boolean, bound boolean)
    LANGUAGE sql STABLE AS $fn$
      SELECT p.iin, p.last_name, p.first_name, p.middle_name, p.birth_date::text, p.sex::text, p.photo_encrypted IS NOT NULL, b.phone IS NOT NULL
      FROM registry_persons p LEFT JOIN bmg_bindings b ON b.phone = p_phone AND b.iin = p.iin
      WHERE p.iin = p_iin
    $fn$`.execute(db);

  // JavaScript's trim() removes these: ASCII whitespace, NBSP, the Unicode spaces, line and paragraph separators, BOM.
  await sql`
    CREATE FUNCTION mask_name(p_first_name text, p_last_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
      SELECT CASE WHEN left(btrim(p_last_name, w), 1) = '' THEN btrim(p_first_name, w)
                  ELSE btrim(p_first_name, w) || ' ' || left(btrim(p_last_name, w), 1) || '.' END
      FROM (SELECT E' \\t\\n\\r\\f\\x0b\\u00a0\\u1680\\u2000\\u2001\\u2002\\u2003\\u2004\\u2005\\u2006\\u2007\\u2008\\u2009\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff' AS w) s
    $fn$`.execute(db);

  // begin → lookup → finish, each as defined in 0012 (the same locks, counts, moves and audit events).
  // The failure audits of both kinds arrive ready (p_not_found_audit_*, p_mismatch_audit_*).
  // Returns iin_attempt_begin's answer; when the lookup was made, iin_attempt_finish's (outcome, failed),
  // the masked name, and for an accepted IIN the person's video-check lock rows (p_lock_kinds/p_lock_hashes).
  await sql`
    CREATE FUNCTION iin_step(
      p_registration_id uuid, p_expected_state text, p_attempt_id uuid, p_phone text, p_phone_hash bytea, p_iin text, p_iin_hash bytea, p_client_ip text,
      p_now timestamptz, p_window_seconds integer, p_limit_registration integer, p_limit_phone integer, p_limit_ip integer,
      p_end_to text, p_end_reason text, p_end_audit_type text, p_end_audit_subject text, p_end_audit_details jsonb,
      p_limited_audit_type text, p_limited_audit_subject text,
      p_audit_subject text, p_accept_to text, p_accepted_audit_type text, p_already_audit_type text,
      p_not_found_audit_type text, p_not_found_audit_details jsonb, p_mismatch_audit_type text, p_mismatch_audit_details jsonb,
      p_lock_kinds text[], p_lock_hashes bytea[],
      OUT state text, OUT reg_count integer, OUT phone_count integer, OUT phone_oldest timestamptz,
      OUT ip_count integer, OUT ip_oldest timestamptz, OUT recorded boolean,
      OUT outcome text, OUT failed integer, OUT masked_name text,
      OUT lock_failed_checks integer[], OUT lock_locked_until timestamptz[], OUT lock_updated_at timestamptz[]
    ) LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_person record;
      v_outcome text;
      v_audit_type text;
      v_audit_details jsonb;
    BEGIN
      SELECT b.state, b.reg_count, b.phone_count, b.phone_oldest, b.ip_count, b.ip_oldest, b.recorded
      INTO state, reg_count, phone_count, phone_oldest, ip_count, ip_oldest, recorded
      FROM iin_attempt_begin(p_registration_id, p_expected_state, p_attempt_id, p_phone_hash, p_iin_hash, p_client_ip,
                             p_now, p_window_seconds, p_limit_registration, p_limit_phone, p_limit_ip,
                             p_end_to, p_end_reason, p_end_audit_type, p_end_audit_details, p_limited_audit_type, p_limited_audit_subject) b;
      IF NOT recorded THEN
        RETURN;
      END IF;

      SELECT * INTO v_person FROM registry_check_person(p_iin, p_phone);
      IF NOT FOUND THEN
        v_outcome := 'not_found';
        v_audit_type := p_not_found_audit_type;
        v_audit_details := p_not_found_audit_details;
      ELSIF NOT v_person.bound THEN
        v_outcome := 'bmg_mismatch';
        v_audit_type := p_mismatch_audit_type;
        v_audit_details := p_mismatch_audit_details;
      ELSE
        v_outcome := 'accepted';
        masked_name := mask_name(v_person.first_name, v_person.last_name);
      END IF;

      SELECT f.outcome, f.failed INTO outcome, failed
      FROM iin_attempt_finish(p_attempt_id, p_registration_id, v_outcome, p_now, p_client_ip, p_audit_subject,
                              p_iin, masked_name, p_expected_state, p_accept_to, p_accepted_audit_type, p_already_audit_type,
                              v_audit_type, v_audit_details,
                              p_limit_registration, p_end_to, p_end_reason, p_end_audit_type, p_end_audit_subject, p_end_audit_details) f;
      IF outcome = 'accepted' THEN
        SELECT array_agg(l.failed_checks), array_agg(l.locked_until), array_agg(l.updated_at)
        INTO lock_failed_checks, lock_locked_until, lock_updated_at
        FROM video_check_locks l JOIN unnest(p_lock_kinds, p_lock_hashes) AS s(kind, hash)
          ON l.subject_kind = s.kind AND l.subject_hash = s.hash;
      END IF;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS iin_step`.execute(db);
  await sql`DROP FUNCTION IF EXISTS mask_name`.execute(db);
  await sql`DROP FUNCTION IF EXISTS registry_check_person`.execute(db);
}
