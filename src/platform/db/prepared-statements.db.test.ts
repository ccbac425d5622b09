// Parameterised statements run as named prepared statements (prepared-statements.ts), on PGlite and
// on PostgreSQL (DATABASE_URL): prepared once per connection, and a statement whose table changed
// shape under it is prepared again instead of failing on every call.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '../../../test/support/use-test-database.js';

const database = useTestDatabase();

beforeAll(async () => {
  await sql`create table prepared_probe (id int primary key, label text not null)`.execute(database.db);
  await sql`insert into prepared_probe values (1, 'one'), (2, 'two')`.execute(database.db);
});

const probe = (id: number) => database.db.selectFrom('prepared_probe' as any).selectAll().where('id', '=', id).execute();

/** The statements prepared on the connection a transaction holds (one connection for all of them). */
async function preparedTexts(): Promise<string[]> {
  return database.db.transaction().execute(async (trx) => {
    await trx.selectFrom('prepared_probe' as any).selectAll().where('id', '=', 1).execute();
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx);
    return rows.map((r) => r.statement);
  });
}

describe(`prepared statements (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('prepares a parameterised statement once per connection and answers each call with its own values', async () => {
    expect(await probe(1)).toEqual([{ id: 1, label: 'one' }]);
    expect(await probe(2)).toEqual([{ id: 2, label: 'two' }]);
    const texts = await preparedTexts();
    const probes = texts.filter((t) => t.includes('prepared_probe') && t.includes('$1'));
    expect(probes).toHaveLength(1);
  });

  it('leaves statements without parameters unprepared', async () => {
    await sql`select count(*) from prepared_probe`.execute(database.db);
    const texts = await preparedTexts();
    expect(texts.some((t) => t.includes('count(*)'))).toBe(false);
  });

  it('prepares a statement again when its table changed shape (a migration while running)', async () => {
    await probe(1);
    await sql`alter table prepared_probe add column note text`.execute(database.db);
    // Outside a transaction the stale statement is retried at once under a new name.
    expect(await probe(1)).toEqual([{ id: 1, label: 'one', note: null }]);
    expect(await probe(2)).toEqual([{ id: 2, label: 'two', note: null }]);
  });

  it('inside a transaction the stale statement fails once; the next call prepares it afresh', async () => {
    const byId = (conn: typeof database.db) => conn.selectFrom('prepared_probe' as any).selectAll().where('id', '=', 1).execute();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await byId(trx);
        await sql`alter table prepared_probe add column extra int`.execute(trx);
        return byId(trx);
      }),
    ).rejects.toThrow(/cached plan must not change result type/);
    expect(await database.db.transaction().execute((trx) => byId(trx))).toEqual([{ id: 1, label: 'one', note: null }]);
  });
});
