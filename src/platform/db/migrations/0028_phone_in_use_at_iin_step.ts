import { sql, type Kysely } from 'kysely';

// One Digital ID per phone (0014) decided at the IIN step, not first at the end of the video check: a
// number the operator gave to someone new may still be an older Digital ID's. Once the registry knows
// the typed IIN and it has no Digital ID of its own, a Digital ID with this phone is another person's:
// 'phone_in_use', a failed lookup like 'already_registered' (counted, audited; the registration stays at
// the IIN step). This holds whether BMG binds the number to the typed IIN already or still to the old
// holder's: binding it through the virtual assistant ('bmg_mismatch') would only lead to the same
// refusal, so the citizen hears the deciding answer first. The unique index still decides a race between
// this step and a completion.
//
// iin_attempt_finish as in 0012 with that check; the signature is unchanged, so iin_step (0021) and the
// http registry's road both use it. Its audit type, 'iin.phone_in_use', is audit.events.ts's (the
// signature has no parameter for it). PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await iinAttemptFinish(true).execute(db);
}

// Back to 0012's behaviour: a phone another Digital ID uses is refused again only when the registration completes.
export async function down(db: Kysely<any>): Promise<void> {
  await iinAttemptFinish(false).execute(db);
}

function iinAttemptFinish(refusePhoneInUse: boolean) {
  const phoneInUse = `
          v_outcome := 'phone_in_use';
          v_audit_type := 'iin.phone_in_use';
          v_audit_details := '{}';`;
  // Accepted: the IIN has no Digital ID (checked just before). A BMG mismatch: only if it has none either.
  const acceptedInUse = refusePhoneInUse ? sql.raw(`ELSIF EXISTS (SELECT 1 FROM digital_profiles d WHERE d.phone = v_phone) THEN${phoneInUse}`) : sql.raw('');
  const mismatchInUse = refusePhoneInUse
    ? sql.raw(`ELSIF v_outcome = 'bmg_mismatch' AND EXISTS (SELECT 1 FROM digital_profiles d WHERE d.phone = v_phone)
            AND NOT EXISTS (SELECT 1 FROM digital_profiles d WHERE d.iin = p_iin) THEN${phoneInUse}`)
    : sql.raw('');
  return sql`
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
        ${acceptedInUse}
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
      ${mismatchInUse}
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
    $fn$`;
}
