import { sql, type Kysely } from 'kysely';

// Passkeys (WebAuthn) of a Digital ID, and the server side of each ceremony: a challenge is kept only as
// its HMAC, used once, for a short while. PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('profile_id', 'uuid', (c) => c.notNull().references('digital_profiles.id'))
    // base64url, as the browser names the credential
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    // COSE public key
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'jsonb', (c) => c.notNull())
    .addColumn('aaguid', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'boolean', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('passkeys_profile_idx').on('passkeys').columns(['profile_id', 'created_at']).execute();

  await db.schema
    .createTable('passkey_challenges')
    .addColumn('challenge_hash', 'bytea', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull())
    // registration: the Digital ID and session that asked; sign-in: null (discoverable credentials)
    .addColumn('profile_id', 'uuid', (c) => c.references('digital_profiles.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid')
    .addColumn('client_ip', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('passkey_challenges_expiry_idx').on('passkey_challenges').column('expires_at').execute();
  await db.schema.createIndex('passkey_challenges_ip_idx').on('passkey_challenges').columns(['client_ip', 'expires_at']).execute();
  await sql`ALTER TABLE passkey_challenges ADD CONSTRAINT passkey_challenges_purpose CHECK (purpose IN ('registration', 'authentication'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('passkey_challenges').ifExists().execute();
  await db.schema.dropTable('passkeys').ifExists().execute();
}
