// A statement whose text is fixed at its call site and whose only variable parts are values (a step's
// function call): its `$n` text is made once per call site — a template's strings are the same object on
// every call — where Kysely's `sql` builds and compiles a query tree on every call. The same text each
// time also lets the prepared statement's name be found without hashing a new string.
// Values only: no nested `sql` fragments, identifiers or lists to expand (use Kysely's `sql` for those).
import { CompiledQuery, type QueryResult } from 'kysely';
import type { DbOrTx } from './database.js';

const texts = new WeakMap<TemplateStringsArray, string>();

export function fixedSql<R>(strings: TemplateStringsArray, ...values: unknown[]): { execute(conn: DbOrTx): Promise<QueryResult<R>> } {
  let text = texts.get(strings);
  if (text === undefined) {
    text = strings.reduce((joined, part, i) => `${joined}$${i}${part}`);
    texts.set(strings, text);
  }
  const query = CompiledQuery.raw(text, values);
  return { execute: (conn) => conn.executeQuery<R>(query) };
}
