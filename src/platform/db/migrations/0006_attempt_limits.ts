import { sql, type Kysely } from 'kysely';

// Limits on attempts (issue 9 rows 1, 3, 4; issue 13 item 3). PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  // Failed video checks and the lock, per person (IIN) and per phone rather than per registration:
  // a new registration inherits both. Subjects are keyed by an HMAC, never by the raw IIN or phone.
  await db.schema
    .createTable('video_check_locks')
    .addColumn('subject_kind', 'text', (c) => c.notNull().check(sql`subject_kind IN ('iin', 'phone')`))
    .addColumn('subject_hash', 'bytea', (c) => c.notNull())
    .addColumn('failed_checks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('video_check_locks_pk', ['subject_kind', 'subject_hash'])
    .execute();
  // The per-registration columns are superseded by the table above.
  await db.schema.alterTable('registrations').dropColumn('failed_video_checks').execute();
  await db.schema.alterTable('registrations').dropColumn('locked_until').execute();

  // Who asked for a check, for the per-IP issue limit.
  await db.schema.alterTable('video_checks').addColumn('client_ip', 'text').execute();
  await db.schema.createIndex('video_checks_client_ip_idx').on('video_checks').columns(['client_ip', 'created_at']).execute();

  // Every IIN looked up in the registry (the IIN step is a registry oracle): limited per registration,
  // per phone and per IP. The IIN and the phone are kept as HMACs only.
  await db.schema
    .createTable('iin_attempts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('registration_id', 'uuid', (c) => c.notNull().references('registrations.id').onDelete('cascade'))
    .addColumn('phone_hash', 'bytea', (c) => c.notNull())
    .addColumn('iin_hash', 'bytea', (c) => c.notNull())
    .addColumn('client_ip', 'text', (c) => c.notNull())
    // pending (registry asked) → accepted | not_found | bmg_mismatch | already_registered | unavailable
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('iin_attempts_registration_idx').on('iin_attempts').column('registration_id').execute();
  await db.schema.createIndex('iin_attempts_phone_idx').on('iin_attempts').columns(['phone_hash', 'created_at']).execute();
  await db.schema.createIndex('iin_attempts_ip_idx').on('iin_attempts').columns(['client_ip', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('iin_attempts').ifExists().execute();
  await db.schema.dropIndex('video_checks_client_ip_idx').ifExists().execute();
  await db.schema.alterTable('video_checks').dropColumn('client_ip').execute();
  await db.schema.alterTable('registrations').addColumn('failed_video_checks', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('registrations').addColumn('locked_until', 'timestamptz').execute();
  await db.schema.dropTable('video_check_locks').ifExists().execute();
}
