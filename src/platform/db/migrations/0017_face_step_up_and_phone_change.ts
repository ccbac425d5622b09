import { sql, type Kysely } from 'kysely';

// The face step-up and the change of phone (issue 12): a session raised to assurance `high` until a
// time; video checks owned by a registration or, for a step-up, by a Digital ID and the session that
// asked; and a change of phone proved by a code sent to the new number.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('citizen_sessions').addColumn('high_assurance_until', 'timestamptz').execute();

  // One video-check code path for both owners: a registration's check, or a step-up of a session.
  await sql`ALTER TABLE video_checks ALTER COLUMN registration_id DROP NOT NULL`.execute(db);
  await db.schema.alterTable('video_checks').addColumn('profile_id', 'uuid', (c) => c.references('digital_profiles.id')).execute();
  await db.schema.alterTable('video_checks').addColumn('session_id', 'uuid', (c) => c.references('citizen_sessions.id')).execute();
  await sql`ALTER TABLE video_checks ADD CONSTRAINT video_checks_one_owner CHECK ((registration_id IS NULL) <> (profile_id IS NULL) AND (profile_id IS NULL) = (session_id IS NULL))`.execute(db);
  await db.schema.createIndex('video_checks_profile_idx').on('video_checks').columns(['profile_id', 'created_at']).execute();

  await db.schema
    .createTable('phone_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('profile_id', 'uuid', (c) => c.notNull().references('digital_profiles.id'))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('citizen_sessions.id'))
    .addColumn('old_phone', 'text', (c) => c.notNull())
    .addColumn('new_phone', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text', (c) => c.notNull())
    // pending → completed; a newer change of the same Digital ID voids a pending one
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('phone_changes_profile_idx').on('phone_changes').columns(['profile_id', 'created_at']).execute();

  // Codes of a change of phone: the code rules of the others, their own send limits (purpose).
  await db.schema.alterTable('otp_codes').addColumn('phone_change_id', 'uuid', (c) => c.references('phone_changes.id').onDelete('cascade')).execute();
  await sql`ALTER TABLE otp_codes DROP CONSTRAINT otp_codes_one_owner`.execute(db);
  await sql`ALTER TABLE otp_codes ADD CONSTRAINT otp_codes_one_owner CHECK (num_nonnulls(registration_id, signin_id, phone_change_id) = 1)`.execute(db);
  await db.schema.createIndex('otp_codes_phone_change_idx').on('otp_codes').columns(['phone_change_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM otp_codes WHERE phone_change_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE otp_codes DROP CONSTRAINT otp_codes_one_owner`.execute(db);
  await sql`ALTER TABLE otp_codes ADD CONSTRAINT otp_codes_one_owner CHECK ((registration_id IS NULL) <> (signin_id IS NULL))`.execute(db);
  await db.schema.alterTable('otp_codes').dropColumn('phone_change_id').execute();
  await db.schema.dropTable('phone_changes').ifExists().execute();
  await sql`DELETE FROM video_checks WHERE profile_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE video_checks DROP CONSTRAINT video_checks_one_owner`.execute(db);
  await db.schema.alterTable('video_checks').dropColumn('session_id').execute();
  await db.schema.alterTable('video_checks').dropColumn('profile_id').execute();
  await sql`ALTER TABLE video_checks ALTER COLUMN registration_id SET NOT NULL`.execute(db);
  await db.schema.alterTable('citizen_sessions').dropColumn('high_assurance_until').execute();
}
