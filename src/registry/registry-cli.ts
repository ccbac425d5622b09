// What the registry command-line tools share: config, an open migrated database, exit codes and the
// wording of summaries and problems. Output never carries a full IIN or phone.
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { openDatabase, type Db } from '../platform/db/database.js';
import { DirectoryLockedError } from '../platform/db/lock-file.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import type { RowProblem } from './registry.rules.js';
import type { ImportSummary } from './registry-import.service.js';

export const EXIT = { ok: 0, rejected: 1, usage: 2, config: 2, locked: 3 } as const;

export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a tool with the configured database; prints its failure and sets the exit code. */
export async function runRegistryCli(work: (ctx: { config: Config; db: Db }) => Promise<number>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = EXIT.config;
      return;
    }
    throw err;
  }
  if (config.registry.provider === 'http') {
    console.warn('Note: REGISTRY_PROVIDER=http, so the server reads the registry at REGISTRY_URL, not these tables.');
  }
  let database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  } catch (err) {
    if (err instanceof DirectoryLockedError) {
      console.error(`${err.message}\n(The embedded database allows one process at a time: stop the server first, or use PostgreSQL.)`);
      process.exitCode = EXIT.locked;
      return;
    }
    throw err;
  }
  try {
    await migrateToLatest(database.db);
    process.exitCode = await work({ config, db: database.db });
  } catch (err) {
    if (!(err instanceof CliExit)) throw err;
    console.error(err.message);
    process.exitCode = err.exitCode;
  } finally {
    await database.close();
  }
}

export function formatProblems(problems: RowProblem[], limit = 200): string {
  const lines = problems.slice(0, limit).map((p) => `  ${p.line > 0 ? `line ${p.line}` : 'file'}${p.field ? `, ${p.field}` : ''}: ${p.reason}`);
  if (problems.length > limit) lines.push(`  … and ${problems.length - limit} more`);
  return lines.join('\n');
}

export function formatSummary(s: ImportSummary): string {
  return [
    `persons: ${s.persons.created} imported, ${s.persons.updated} updated`,
    `BMG bindings: ${s.bindings.created} imported, ${s.bindings.updated} moved to another IIN, ${s.bindings.unchanged} unchanged`,
    `photos stored: ${s.photos}; face descriptors stored: ${s.descriptors}`,
  ].join('\n');
}
