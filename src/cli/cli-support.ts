// What command-line tools share: argument parsing with a usage text, config, and an open, migrated
// database with the usual exit codes (2 = usage or configuration, 3 = embedded database in use).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { openDatabase, type Db } from '../platform/db/database.js';
import { DirectoryLockedError } from '../platform/db/lock-file.js';
import { migrateToLatest } from '../platform/db/migrate.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, config: 2, locked: 3 } as const;

/** A failure the tool explains to its user: printed to stderr, no stack trace. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses the options; prints the usage and exits on --help or a parse error. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>>['values'] {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(EXIT.ok);
  }
  try {
    return parseArgs(config).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(EXIT.usage);
  }
}

/** Runs a tool against the configured database (migrated first); its result becomes the exit code. */
export async function runWithDatabase(
  work: (ctx: { config: Config; db: Db; kind: 'pglite' | 'postgres'; migrations: string[] }) => Promise<number>,
  options: { beforeOpen?: (config: Config) => void } = {},
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exitCode = EXIT.config;
    return;
  }
  options.beforeOpen?.(config);
  let database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  } catch (err) {
    if (!(err instanceof DirectoryLockedError)) throw err;
    console.error(`${err.message}\n(The embedded database allows one process at a time: stop the server first, or use PostgreSQL.)`);
    process.exitCode = EXIT.locked;
    return;
  }
  try {
    const result = await migrateToLatest(database.db);
    const migrations = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    process.exitCode = await work({ config, db: database.db, kind: database.kind, migrations });
  } catch (err) {
    if (!(err instanceof CliExit)) throw err;
    console.error(err.message);
    process.exitCode = err.exitCode;
  } finally {
    await database.close();
  }
}
