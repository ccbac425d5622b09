import { sql, type Kysely } from 'kysely';

// The OpenID Connect provider (src/oidc): the services (clients) citizens sign in to, the provider's
// own records (sessions, interactions, codes, tokens, grants: oidc_payloads, one row per model and id,
// the payload as the provider wrote it) and its signing keys (private parts encrypted).
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // AES-256-GCM; null for a client that authenticates with private_key_jwt only
    .addColumn('secret_encrypted', 'bytea')
    .addColumn('redirect_uris', 'jsonb', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('first_party', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('jwks_uri', 'text')
    .addColumn('jwks', 'jsonb')
    .addColumn('logo_uri', 'text')
    .addColumn('policy_uri', 'text')
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('disabled_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    // copied out of Grant payloads: the citizen's list of services reads them
    .addColumn('account_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('consumed_at', 'timestamptz')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant_idx').on('oidc_payloads').column('grant_id').where(sql.ref('grant_id'), 'is not', null).execute();
  await db.schema.createIndex('oidc_payloads_uid_idx').on('oidc_payloads').columns(['model', 'uid']).where(sql.ref('uid'), 'is not', null).execute();
  await db.schema.createIndex('oidc_payloads_user_code_idx').on('oidc_payloads').columns(['model', 'user_code']).where(sql.ref('user_code'), 'is not', null).execute();
  await db.schema.createIndex('oidc_payloads_account_idx').on('oidc_payloads').columns(['account_id', 'client_id']).where(sql.ref('account_id'), 'is not', null).execute();
  await db.schema.createIndex('oidc_payloads_expires_idx').on('oidc_payloads').column('expires_at').execute();

  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    // the private JWK, AES-256-GCM with the kid as context
    .addColumn('private_jwk_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // set when a newer key took over signing; the key stays published until its tokens expire
    .addColumn('retired_at', 'timestamptz')
    .addColumn('publish_until', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_signing_keys').ifExists().execute();
  await db.schema.dropTable('oidc_payloads').ifExists().execute();
  await db.schema.dropTable('oidc_clients').ifExists().execute();
}
