import { describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { fixedSql } from './fixed-sql.js';
import type { DbOrTx } from './database.js';

// Compiles without a connection: the query reaches executeQuery and is returned as its result.
const captured = { executeQuery: async (query: unknown) => query } as unknown as DbOrTx;
const compilingDb = new Kysely<any>({ dialect: new PostgresDialect({ pool: {} as any }) });

describe('fixedSql', () => {
  it("writes the same text and values as Kysely's sql, made once per call site", async () => {
    const call = (id: string, list: string[], at: Date) => fixedSql`select * from f(${id}, ${list}::text[], ${at}, ${3}::int)`;
    const kysely = (id: string, list: string[], at: Date) => sql`select * from f(${id}, ${list}::text[], ${at}, ${3}::int)`.compile(compilingDb);
    const at = new Date(0);
    const first = (await call('a', ['x', 'y'], at).execute(captured)) as unknown as { sql: string; parameters: unknown[] };
    const second = (await call('b', [], at).execute(captured)) as unknown as { sql: string; parameters: unknown[] };
    expect(first.sql).toBe(kysely('a', ['x', 'y'], at).sql);
    expect(first.parameters).toEqual(['a', ['x', 'y'], at, 3]);
    expect(second.parameters).toEqual(['b', [], at, 3]);
    expect(second.sql).toBe(first.sql);
  });
});
