import { sql, type Kysely } from 'kysely';

// Video checks (one row per challenge issued; no images) and moderation cases (evidence encrypted).
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('video_checks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('registration_id', 'uuid', (c) => c.notNull().references('registrations.id').onDelete('cascade'))
    .addColumn('challenges', 'jsonb', (c) => c.notNull())
    // pending → processing → completed; or expired/abandoned
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('reasons', 'jsonb')
    .addColumn('similarity', 'real')
    .addColumn('liveness_score', 'real')
    // scores and challenge trace (no images, no descriptors)
    .addColumn('trace', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('video_checks_registration_idx').on('video_checks').columns(['registration_id', 'created_at']).execute();
  await db.schema.createIndex('video_checks_status_expires_idx').on('video_checks').columns(['status', 'expires_at']).execute();

  await db.schema
    .createTable('moderation_cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('registration_id', 'uuid', (c) => c.notNull().references('registrations.id'))
    .addColumn('video_check_id', 'uuid')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('similarity', 'real')
    .addColumn('liveness_score', 'real')
    .addColumn('reasons', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // AES-256-GCM of JSON: reference photo and best 3 frames (JPEG base64), scores, challenge trace
    .addColumn('evidence_encrypted', 'bytea')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_reason', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('evidence_delete_after', 'timestamptz')
    .addColumn('evidence_deleted_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('moderation_cases_status_due_idx').on('moderation_cases').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('moderation_cases_registration_idx').on('moderation_cases').column('registration_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('moderation_cases').ifExists().execute();
  await db.schema.dropTable('video_checks').ifExists().execute();
}
