import { sql, type Kysely } from 'kysely';

// Staff accounts and their sessions, and the virtual assistant's BMG-update tickets.
// PostgreSQL 15 features only: PGlite runs 18, CI's server runs 15.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_accounts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('login', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('moderator', 'operator', 'admin')`))
    // argon2id PHC string
    .addColumn('password_hash', 'text', (c) => c.notNull())
    // the CLI prints a one-time password: it must be replaced at the first login
    .addColumn('password_change_required', 'boolean', (c) => c.notNull().defaultTo(true))
    // RFC 6238 secret, AES-256-GCM encrypted; the last accepted time step refuses a replayed code
    .addColumn('totp_secret_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('totp_last_counter', 'bigint')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_login_at', 'timestamptz')
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique())
    .addColumn('staff_id', 'uuid', (c) => c.notNull().references('staff_accounts.id').onDelete('cascade'))
    .addColumn('client_ip', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('staff_sessions_staff_idx').on('staff_sessions').column('staff_id').execute();

  await db.schema
    .createTable('assistant_tickets')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('registration_id', 'uuid', (c) => c.notNull().references('registrations.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('iin', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('open', 'resolved', 'declined')`))
    .addColumn('claimed_by', 'uuid', (c) => c.references('staff_accounts.id'))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('checklist', 'jsonb')
    .addColumn('resolved_by', 'uuid', (c) => c.references('staff_accounts.id'))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolution_note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('assistant_tickets_status_idx').on('assistant_tickets').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('assistant_tickets_registration_idx').on('assistant_tickets').column('registration_id').execute();
  // One open ticket per registration: a second press of the button shows the first ticket.
  await sql`CREATE UNIQUE INDEX assistant_tickets_one_open_idx ON assistant_tickets (registration_id) WHERE status = 'open'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['assistant_tickets', 'staff_sessions', 'staff_accounts']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
