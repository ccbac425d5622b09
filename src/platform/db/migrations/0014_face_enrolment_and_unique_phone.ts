import { sql, type Kysely } from 'kysely';

// Issue 12's gaps. PostgreSQL 15 features only; on a fresh database this runs before 0015 (sign-in,
// blocked_at), so it refers only to tables of 0001–0013.
//
// 1. The face a registration was decided on (PASSED, or UNDER_REVIEW and then approved by a moderator):
//    the fused template of the check's best frames, AES-256-GCM encrypted with its pipeline version. It is
//    written with the check (profile_id null while a moderator decides), attached to the Digital ID when
//    the registration completes, deleted when the registration is rejected or the Digital ID deleted. The
//    check's id is kept without a foreign key: the retention of video-check data never reaches it.
// 2. One Digital ID per phone as a constraint, not only a check: a unique index (not partial: blocked
//    Digital IDs keep their number, as the phone-change check always counted them, so an unblock never
//    collides). Existing rows that share a phone stop the migration with a message, not a guess.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('face_enrolments')
    .addColumn('registration_id', 'uuid', (c) => c.primaryKey().references('registrations.id').onDelete('cascade'))
    .addColumn('profile_id', 'uuid', (c) => c.unique().references('digital_profiles.id').onDelete('cascade'))
    .addColumn('video_check_id', 'uuid', (c) => c.notNull())
    .addColumn('template_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('pipeline_version', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await sql`
    DO $$
    DECLARE shared integer;
    BEGIN
      SELECT count(*) INTO shared FROM (SELECT phone FROM digital_profiles GROUP BY phone HAVING count(*) > 1) s;
      IF shared > 0 THEN
        RAISE EXCEPTION 'migration 0014: % phone number(s) belong to more than one Digital ID; give each its own number (SELECT phone FROM digital_profiles GROUP BY phone HAVING count(*) > 1) and run the migration again', shared;
      END IF;
    END $$`.execute(db);
  await sql`CREATE UNIQUE INDEX digital_profiles_phone_key ON digital_profiles (phone)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('digital_profiles_phone_key').ifExists().execute();
  await db.schema.dropTable('face_enrolments').ifExists().execute();
}
