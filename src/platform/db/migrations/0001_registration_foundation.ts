import { sql, type Kysely } from 'kysely';

// PostgreSQL 15 features only: PGlite runs 18, CI's server runs 15.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('registrations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('iin', 'text')
    .addColumn('masked_name', 'text')
    .addColumn('failed_video_checks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('rejection_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('registrations_phone_idx').on('registrations').column('phone').execute();
  await db.schema.createIndex('registrations_iin_idx').on('registrations').column('iin').execute();

  await db.schema
    .createTable('otp_codes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('registration_id', 'uuid', (c) => c.notNull().references('registrations.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('code_hmac', 'bytea', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resend_available_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('otp_codes_registration_idx').on('otp_codes').columns(['registration_id', 'created_at']).execute();
  await db.schema.createIndex('otp_codes_phone_idx').on('otp_codes').columns(['phone', 'created_at']).execute();
  await db.schema.createIndex('otp_codes_ip_idx').on('otp_codes').columns(['client_ip', 'created_at']).execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'uuid')
    .addColumn('subject', 'text')
    .addColumn('client_ip', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_events_type_at_idx').on('audit_events').columns(['type', 'at']).execute();
  // Append-only: the table refuses UPDATE and DELETE for everyone, including the application.
  await sql`
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);

  await db.schema
    .createTable('sms_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('provider', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sms_messages_phone_idx').on('sms_messages').columns(['phone', 'created_at']).execute();
  await db.schema.createIndex('sms_messages_provider_id_idx').on('sms_messages').column('provider_message_id').execute();

  await db.schema
    .createTable('registry_persons')
    .addColumn('iin', 'text', (c) => c.primaryKey())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('middle_name', 'text')
    .addColumn('birth_date', 'date', (c) => c.notNull())
    .addColumn('sex', 'text', (c) => c.notNull())
    // reference photo (JPEG) and its face descriptor, both AES-256-GCM encrypted
    .addColumn('photo_encrypted', 'bytea')
    .addColumn('descriptor_encrypted', 'bytea')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('bmg_bindings')
    .addColumn('phone', 'text', (c) => c.primaryKey())
    .addColumn('iin', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('bmg_bindings_iin_idx').on('bmg_bindings').column('iin').execute();

  await db.schema
    .createTable('digital_profiles')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('iin', 'text', (c) => c.notNull().unique())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'uuid', (c) => c.notNull().references('registrations.id'))
    .addColumn('verification_method', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['digital_profiles', 'bmg_bindings', 'registry_persons', 'sms_messages', 'audit_events', 'otp_codes', 'registrations']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`DROP FUNCTION IF EXISTS audit_events_append_only()`.execute(db);
}
