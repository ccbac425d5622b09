// What bench:api and bench:oidc share besides their load (load-process.ts): how a scenario's requests
// were answered, the header line, the PostgreSQL to run against, and the markdown table with each row's
// share of the floor measured in the same run.
import os from 'node:os';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../../test/faults/support/own-postgres.js';

/** How a scenario's requests were answered: throughput, latency percentiles (ms), refusals, failures. */
export interface Answered {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

export function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** The first line every bench prints: what ran, on what, under which load. */
export function benchHeader(name: string, connections: number, seconds: number): string {
  return `${name} — ${connections} connections, ${seconds} s per scenario, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

/**
 * The PostgreSQL to measure: BENCH_DATABASE_URL, else a server of our own (durable settings as in
 * production, pg_stat_statements preloaded, its CPU the benchmark's alone), else `fallback` (or none).
 */
export async function benchPostgres(fallback: string | null): Promise<{ server: { url: string; dataDir: string | null } | null; note: string | null; own: OwnPostgres | null }> {
  if (process.env.BENCH_DATABASE_URL) return { server: { url: process.env.BENCH_DATABASE_URL, dataDir: null }, note: null, own: null };
  const unavailable = ownPostgresUnavailable();
  if (unavailable === null) {
    const own = await startOwnPostgres({ durable: true, settings: { shared_preload_libraries: 'pg_stat_statements', max_connections: '200', ...(process.env.BENCH_PG_TRACK ? { 'pg_stat_statements.track': process.env.BENCH_PG_TRACK } : {}) } });
    return { server: { url: own.url, dataDir: own.dataDir }, note: null, own };
  }
  return fallback
    ? { server: { url: fallback, dataDir: null }, note: `no PostgreSQL of our own (${unavailable}): the shared server, without the database's side`, own: null }
    : { server: null, note: `no PostgreSQL of our own (${unavailable}): PostgreSQL skipped`, own: null };
}

export interface Column<R> {
  title: string;
  /** Right-aligned (numbers). */
  numeric?: boolean;
  value(row: R): string | number;
}

/** A markdown table. */
export function printTable<R>(columns: Column<R>[], rows: R[]): void {
  console.log(`\n| ${columns.map((c) => c.title).join(' | ')} |`);
  console.log(`|${columns.map((c) => (c.numeric ? '---:' : '---')).join('|')}|`);
  for (const row of rows) console.log(`| ${columns.map((c) => String(c.value(row))).join(' | ')} |`);
}

/** The columns every bench table starts with: where, what, how fast, and against the floor of the same run. */
export function scenarioColumns<R extends { db: string; scenario: string; rps: number; p50: number; p99: number }>(rows: R[]): Column<R>[] {
  return [
    { title: 'database', value: (r) => r.db },
    { title: 'scenario', value: (r) => r.scenario },
    { title: 'req/s', numeric: true, value: (r) => r.rps },
    { title: 'p50 ms', numeric: true, value: (r) => r.p50 },
    { title: 'p99 ms', numeric: true, value: (r) => r.p99 },
    { title: '% of floor', numeric: true, value: (r) => percentOfFloor(rows, r) },
  ];
}

/** A row's req/s as a share of the floor measured in the same run on the same database, with the load generated the same way (the row's `[…]` mark). */
export function percentOfFloor<R extends { db: string; scenario: string; rps: number }>(rows: R[], row: R): string {
  const mark = (s: string) => /\[[^\]]*\]$/.exec(s)?.[0] ?? '';
  const floor = rows.find((f) => f.db === row.db && f.scenario.startsWith('floor') && mark(f.scenario) === mark(row.scenario));
  return floor ? `${Math.round((100 * row.rps) / floor.rps)}%` : '—';
}
