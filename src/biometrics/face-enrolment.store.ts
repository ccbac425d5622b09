// The enrolled face of a Digital ID (face_enrolments, migration 0014): the fused template of the
// registration check's best frames, the face the registration was decided on. AES-256-GCM with the
// registration id as context, so a blob copied onto another row does not decrypt.
import type { DbOrTx } from '../platform/db/database.js';
import { decrypt, encrypt } from '../platform/crypto.js';
import { bytesToTemplate, templateToBytes } from './match.rules.js';

const context = (registrationId: string) => `face-enrolment:${registrationId}`;

/** Written with the registration's check (PASSED or UNDER_REVIEW); not yet any Digital ID's. */
export async function keepEnrolment(
  conn: DbOrTx,
  key: Buffer,
  e: { registrationId: string; videoCheckId: string; template: ArrayLike<number>; pipelineVersion: string; now: Date },
): Promise<void> {
  const values = {
    video_check_id: e.videoCheckId,
    template_encrypted: encrypt(key, templateToBytes(e.template), context(e.registrationId)),
    pipeline_version: e.pipelineVersion,
    created_at: e.now,
  };
  await conn
    .insertInto('face_enrolments')
    .values({ registration_id: e.registrationId, ...values })
    .onConflict((oc) => oc.column('registration_id').doUpdateSet(values))
    .execute();
}

/** The registration completed: its enrolment becomes its Digital ID's. */
export async function attachEnrolment(conn: DbOrTx, registrationId: string): Promise<void> {
  await conn
    .updateTable('face_enrolments')
    .set((eb) => ({
      profile_id: eb.selectFrom('digital_profiles').select('id').where('digital_profiles.registration_id', '=', registrationId),
    }))
    .where('registration_id', '=', registrationId)
    .execute();
}

/** The registration was rejected: the face it showed is nobody's reference. */
export async function deleteEnrolment(conn: DbOrTx, registrationId: string): Promise<void> {
  await conn.deleteFrom('face_enrolments').where('registration_id', '=', registrationId).execute();
}

/** Enrolments of registrations never decided (their case abandoned): no Digital ID will use them. */
export async function deleteUndecidedEnrolments(conn: DbOrTx, createdBefore: Date): Promise<number> {
  const rows = await conn.deleteFrom('face_enrolments').where('profile_id', 'is', null).where('created_at', '<', createdBefore).returning('registration_id').execute();
  return rows.length;
}

/** The Digital ID's enrolled template of this pipeline version, or null (none, or another version). */
export async function findEnrolledTemplate(conn: DbOrTx, key: Buffer, profileId: string, pipelineVersion: string): Promise<Float32Array | null> {
  const row = await conn
    .selectFrom('face_enrolments')
    .select(['registration_id', 'template_encrypted', 'pipeline_version'])
    .where('profile_id', '=', profileId)
    .executeTakeFirst();
  if (!row || row.pipeline_version !== pipelineVersion) return null;
  return bytesToTemplate(decrypt(key, row.template_encrypted, context(row.registration_id)));
}
