// What a benchmark scenario cost the PostgreSQL server: statements (round trips) and execution time
// from pg_stat_statements, CPU of the server's processes from /proc, and WAL written (pg_stat_wal).
// Needs a server of the benchmark's own (pg_stat_statements must be preloaded, and the CPU of all its
// processes is the scenario's): see bench/api.bench.ts.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface StatementCost {
  calls: number;
  ms: number;
}

export interface DbSample {
  /** Statements the HTTP requests made (one round trip each; BEGIN and COMMIT count). */
  request: StatementCost;
  /** Statements of the SMS worker and pg-boss's maintenance, running beside the requests. */
  background: StatementCost;
  /** CPU time of every process of the server (backends, WAL writer, checkpointer…), in ms. */
  cpuMs: number;
  walBytes: number;
  top: Array<{ query: string } & StatementCost>;
}

const BACKGROUND = /pgboss\.|update "?sms_messages"?/i;
/** Foreign-key checks run by triggers inside a statement: listed apart, but no round trip of their own. */
const NESTED = /^SELECT (1|\$\d+) FROM ONLY .* FOR KEY SHARE OF x$/is;
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU (user + system, ms) of the postmaster and all its children, living and reaped. */
function serverCpuMs(dataDir: string): number {
  const postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command (which may contain spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    if (pid === postmaster) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    else if (ppid === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

export class PgStats {
  private cpuAtReset = 0;

  private constructor(
    private readonly client: pg.Client,
    private readonly dataDir: string,
  ) {}

  /** Creates pg_stat_statements in the benchmark's database; throws when the server did not preload it. */
  static async open(databaseUrl: string, dataDir: string): Promise<PgStats> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-stats' });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return new PgStats(client, dataDir);
  }

  async reset(): Promise<void> {
    await this.client.query('SELECT pg_stat_statements_reset()');
    await this.client.query("SELECT pg_stat_reset_shared('wal')");
    this.cpuAtReset = serverCpuMs(this.dataDir);
  }

  async read(): Promise<DbSample> {
    const cpuMs = serverCpuMs(this.dataDir) - this.cpuAtReset;
    const { rows } = await this.client.query<{ query: string; calls: string; ms: number }>(
      `SELECT query, calls, total_exec_time AS ms FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_stat_reset_shared%'`,
    );
    const wal = await this.client.query<{ wal_bytes: string }>('SELECT wal_bytes FROM pg_stat_wal');
    const sample: DbSample = { request: { calls: 0, ms: 0 }, background: { calls: 0, ms: 0 }, cpuMs, walBytes: Number(wal.rows[0].wal_bytes), top: [] };
    for (const row of rows) {
      if (NESTED.test(row.query.trim())) continue; // its time is already in the statement that ran it
      const cost = BACKGROUND.test(row.query) ? sample.background : sample.request;
      cost.calls += Number(row.calls);
      cost.ms += row.ms;
    }
    sample.top = rows
      .filter((r) => !BACKGROUND.test(r.query) && !NESTED.test(r.query.trim()))
      .map((r) => ({ query: r.query.replace(/\s+/g, ' ').slice(0, 90), calls: Number(r.calls), ms: r.ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, Number(process.env.BENCH_PG_TOP ?? 5));
    return sample;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
