import { sql, type Kysely } from 'kysely';

// 1. SMS texts at rest: `body` keeps only the text with codes starred out; the exact text moves to
//    `body_encrypted` (AES-256-GCM, written by the application, which holds the key). Codes already in
//    plain text are starred out here: a queued code from before this migration is not sent (it fails with
//    a clear error and the citizen asks for a new one, which the resend cooldown allows within a minute).
// 2. Staff sign-in throttling: failure counters and back-off per (login, address), per address and per
//    login, keyed by HMACs so neither raw logins nor guesses are stored.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sms_messages').addColumn('body_encrypted', 'bytea').execute();
  await sql`UPDATE sms_messages SET body = regexp_replace(body, '[0-9]{4,}', '******', 'g') WHERE purpose = 'otp'`.execute(db);

  await db.schema
    .createTable('staff_login_throttles')
    // 'pair:' | 'ip:' | 'login:' followed by an HMAC of the login and/or address
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'timestamptz', (c) => c.notNull())
    .addColumn('blocked_until', 'timestamptz')
    .execute();
  await db.schema.createIndex('staff_login_throttles_last_failure_idx').on('staff_login_throttles').column('last_failure_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_login_throttles').ifExists().execute();
  await db.schema.alterTable('sms_messages').dropColumn('body_encrypted').execute();
}
