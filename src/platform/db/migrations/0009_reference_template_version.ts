import { sql, type Kysely } from 'kysely';

// Reference face templates carry the version of the pipeline that computed them (alignment, nets,
// fusion): a template of another version is never compared with a live one, it is recomputed from the
// photo. The templates stored so far came from face-api's SSD path, which live frames never took: drop them.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('registry_persons').addColumn('descriptor_version', 'text').execute();
  await sql`UPDATE registry_persons SET descriptor_encrypted = NULL WHERE descriptor_encrypted IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('registry_persons').dropColumn('descriptor_version').execute();
}
