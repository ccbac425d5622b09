import { sql, type Kysely } from 'kysely';

// The citizen's Digital ID in use: sign-in with a code (signins), the sessions it opens, the block of a
// Digital ID, and the audit events of one Digital ID (its activity list).
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('signins')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // The sign-in's public id is a 256-bit random handle; only its HMAC is kept.
    .addColumn('handle_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('phone', 'text', (c) => c.notNull())
    // null: the phone has no Digital ID (the sign-in can never succeed; its SMS says how to register)
    .addColumn('profile_id', 'uuid', (c) => c.references('digital_profiles.id'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .execute();

  // One-time codes serve registrations and sign-ins alike; each purpose has its own send limits.
  await db.schema.alterTable('otp_codes').addColumn('purpose', 'text', (c) => c.notNull().defaultTo('registration')).execute();
  await db.schema.alterTable('otp_codes').addColumn('signin_id', 'uuid', (c) => c.references('signins.id').onDelete('cascade')).execute();
  await sql`ALTER TABLE otp_codes ALTER COLUMN registration_id DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE otp_codes ADD CONSTRAINT otp_codes_one_owner CHECK ((registration_id IS NULL) <> (signin_id IS NULL))`.execute(db);
  await db.schema.createIndex('otp_codes_signin_idx').on('otp_codes').columns(['signin_id', 'created_at']).execute();

  await db.schema
    .createTable('citizen_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('profile_id', 'uuid', (c) => c.notNull().references('digital_profiles.id'))
    .addColumn('assurance', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('client_ip', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .addColumn('end_reason', 'text')
    // A registration that just completed opens one session (the citizen lands signed in), never two.
    .addColumn('source_registration_id', 'uuid', (c) => c.unique().references('registrations.id'))
    .execute();
  await db.schema.createIndex('citizen_sessions_profile_idx').on('citizen_sessions').columns(['profile_id', 'ended_at']).execute();

  await db.schema.createIndex('digital_profiles_phone_idx').on('digital_profiles').column('phone').execute();
  await db.schema.alterTable('digital_profiles').addColumn('blocked_at', 'timestamptz').execute();

  await db.schema.alterTable('audit_events').addColumn('profile_id', 'uuid').execute();
  await db.schema.createIndex('audit_events_profile_idx').on('audit_events').columns(['profile_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').dropColumn('profile_id').execute();
  await db.schema.alterTable('digital_profiles').dropColumn('blocked_at').execute();
  await db.schema.dropIndex('digital_profiles_phone_idx').ifExists().execute();
  await db.schema.dropTable('citizen_sessions').ifExists().execute();
  await sql`DELETE FROM otp_codes WHERE signin_id IS NOT NULL`.execute(db);
  await sql`ALTER TABLE otp_codes DROP CONSTRAINT otp_codes_one_owner`.execute(db);
  await sql`ALTER TABLE otp_codes ALTER COLUMN registration_id SET NOT NULL`.execute(db);
  await db.schema.alterTable('otp_codes').dropColumn('signin_id').execute();
  await db.schema.alterTable('otp_codes').dropColumn('purpose').execute();
  await db.schema.dropTable('signins').ifExists().execute();
}
