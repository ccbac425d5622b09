import { sql, type Kysely } from 'kysely';

// Staff list the blocked Digital IDs (latest block first): a partial index holds only those, so the list
// costs the same however many Digital IDs are not blocked.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX digital_profiles_blocked_idx ON digital_profiles (blocked_at DESC) WHERE blocked_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('digital_profiles_blocked_idx').ifExists().execute();
}
