// Every parameterised statement runs as a named prepared statement of its connection: PostgreSQL (or
// PGlite) parses and plans a statement text once per connection instead of on every call, and the
// client sends no Parse message again. A step of several statements spent more on parsing and
// planning than on executing them; on PGlite that work runs on the app's own thread.
//
// Statements without parameters (BEGIN, COMMIT, DDL) stay on the simple protocol, unnamed. A statement
// whose result shape changed under it (a migration by a newer release while this process runs) fails
// once with "cached plan must not change result type": its text then gets a new name (prepared afresh),
// and outside a transaction the call is retried at once.
// Behind a pooler in transaction mode (PgBouncer < 1.21 without max_prepared_statements) named
// statements do not survive between transactions: connect such deployments to PostgreSQL directly.
import type pg from 'pg';

/** Distinct statement texts named; beyond this (dynamic IN lists, ad-hoc SQL) statements run unnamed. */
const MAX_NAMED_STATEMENTS = 2000;

const STALE_PLAN = 'cached plan must not change result type';

export class StatementNames {
  private readonly names = new Map<string, string>();
  private next = 0;

  /** The name for this text, or undefined once the table is full. */
  nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= MAX_NAMED_STATEMENTS) return known;
    const name = `s${this.next++}`;
    this.names.set(text, name);
    return name;
  }

  /** The text's prepared plans are stale: its next call prepares it under a new name. */
  renew(text: string): void {
    if (this.names.has(text)) this.names.set(text, `s${this.next++}`);
  }
}

type QueryFn = (text: unknown, values?: unknown) => Promise<pg.QueryResult>;

/** Makes `client.query(text, values)` (how Kysely calls it) use a named statement. Once per client. */
export function prepareStatements(client: pg.PoolClient, names: StatementNames): void {
  const query = client.query.bind(client) as QueryFn;
  const named: QueryFn = async (text, values) => {
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) return query(text, values);
    const name = names.nameOf(text);
    if (name === undefined) return query(text, values);
    const idle = client.getTransactionStatus?.() === 'I';
    try {
      return await query({ name, text, values });
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes(STALE_PLAN)) throw err;
      names.renew(text);
      if (!idle) throw err;
      return query({ name: names.nameOf(text), text, values });
    }
  };
  (client as unknown as { query: QueryFn }).query = named;
}
