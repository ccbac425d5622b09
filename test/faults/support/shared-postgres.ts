// The shared PostgreSQL the other fault tests create their database on (never restarted here).
import pg from 'pg';

export function sharedPostgresUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Why the shared PostgreSQL cannot be used, or null when it can. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: sharedPostgresUrl(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (err) {
    return `PostgreSQL not reachable at ${sharedPostgresUrl()} (${(err as Error).message}); set DATABASE_URL`;
  }
}
