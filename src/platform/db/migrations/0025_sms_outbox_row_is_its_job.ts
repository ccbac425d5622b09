import { sql, type Kysely } from 'kysely';

// The SMS outbox row is its own job: `sms_enqueue` (same signature as 0011, so the step functions of
// 0013, 0019, 0023 and 0024 are unchanged) writes only the sms_messages row with its scheduling, and
// the SMS worker claims due rows straight from the table (sms.store.ts `claimDue`). A start no longer
// inserts a pg-boss job (its row, five indexes and a key-share lock on pg-boss's queue row), and the
// worker spends two statements per batch (claim; outcomes) instead of a fetch, two updates per message
// and a completion.
//
// next_attempt_at: for a queued row, when it may be tried (now, or after its retry's backoff); for a
// row being sent, when its worker's claim expires (a crashed or hung worker's message is tried again
// then, as pg-boss expired an active job). NULL once the message is finished. The other columns are
// the job options the enqueue was given (sms.service.ts `prepare`).
//
// One partial index serves the claim (status 'queued' or 'sending', in the claim's order); the rows
// sent, delivered or failed leave it, so it stays as small as the backlog.
//
// Messages queued by the code before this migration have a pg-boss 'sms-send' job: their rows take
// the job's options and due time, and the jobs are deleted, so each such message is sent once, by the
// new worker. pg-boss's schema may not exist yet (a new database: pg-boss installs it after the
// migrations), hence the dynamic SQL behind to_regclass.
// PostgreSQL 15 features only.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE sms_messages
      ADD COLUMN priority smallint NOT NULL DEFAULT 0,
      ADD COLUMN retry_limit smallint NOT NULL DEFAULT 0,
      ADD COLUMN retry_backoff boolean NOT NULL DEFAULT false,
      ADD COLUMN retry_delay integer NOT NULL DEFAULT 0,
      ADD COLUMN expire_seconds integer NOT NULL DEFAULT 120,
      ADD COLUMN next_attempt_at timestamptz`.execute(db);
  await sql`CREATE INDEX sms_messages_due_idx ON sms_messages (priority DESC, next_attempt_at) WHERE status IN ('queued', 'sending')`.execute(db);

  await adoptPgBossSendJobs(db);

  await sql`
    CREATE OR REPLACE FUNCTION sms_enqueue(
      p_queue text, p_id uuid, p_phone text, p_language text, p_purpose text, p_body text, p_body_encrypted bytea,
      p_priority integer, p_retry_limit integer, p_retry_delay integer, p_retry_backoff boolean, p_expire_seconds integer
    ) RETURNS void LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      -- The outbox is the only SMS queue; another name is a caller's mistake, as a missing pg-boss queue was.
      IF p_queue IS DISTINCT FROM 'sms-send' THEN
        RAISE EXCEPTION 'SMS queue % is missing', p_queue;
      END IF;
      INSERT INTO sms_messages (id, phone, language, purpose, body, body_encrypted, status,
                                priority, retry_limit, retry_backoff, retry_delay, expire_seconds, next_attempt_at)
      VALUES (p_id, p_phone, p_language, p_purpose, p_body, p_body_encrypted, 'queued',
              p_priority, p_retry_limit, p_retry_backoff, CASE WHEN p_retry_backoff THEN GREATEST(p_retry_delay, 1) ELSE p_retry_delay END,
              p_expire_seconds, now());
    END
    $fn$`.execute(db);
}

/** Messages queued before this migration take their pg-boss job's options and due time; the jobs go (sms.enqueue.db.test.ts runs it again). */
export async function adoptPgBossSendJobs(db: Kysely<any>): Promise<void> {
  await sql`
    DO $do$
    BEGIN
      IF to_regclass('pgboss.job') IS NOT NULL THEN
        EXECUTE $q$
          UPDATE sms_messages m
          SET priority = j.priority, retry_limit = j.retry_limit, retry_backoff = j.retry_backoff, retry_delay = j.retry_delay,
              expire_seconds = GREATEST(1, extract(epoch FROM j.expire_in))::int,
              next_attempt_at = CASE WHEN m.status = 'sending' THEN COALESCE(j.started_on + j.expire_in, now()) ELSE j.start_after END
          FROM pgboss.job j
          WHERE j.name = 'sms-send' AND j.state IN ('created', 'retry', 'active')
            AND m.id::text = j.data->>'messageId' AND m.status IN ('queued', 'sending')
        $q$;
        EXECUTE $q$DELETE FROM pgboss.job WHERE name = 'sms-send' AND state IN ('created', 'retry', 'active')$q$;
      END IF;
    END
    $do$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // The function of 0011 needs pg-boss's queue; messages still queued then have no job (send them first).
  await sql`
    CREATE OR REPLACE FUNCTION sms_enqueue(
      p_queue text, p_id uuid, p_phone text, p_language text, p_purpose text, p_body text, p_body_encrypted bytea,
      p_priority integer, p_retry_limit integer, p_retry_delay integer, p_retry_backoff boolean, p_expire_seconds integer
    ) RETURNS void LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      INSERT INTO sms_messages (id, phone, language, purpose, body, body_encrypted, status)
      VALUES (p_id, p_phone, p_language, p_purpose, p_body, p_body_encrypted, 'queued');
      INSERT INTO pgboss.job (id, name, data, priority, start_after, dead_letter, expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
      SELECT gen_random_uuid(), q.name, jsonb_build_object('messageId', p_id), p_priority, now(), q.dead_letter,
             p_expire_seconds * interval '1s',
             now() + CAST(COALESCE((q.retention_minutes * 60)::text, '14 days') AS interval),
             p_retry_limit,
             CASE WHEN p_retry_backoff THEN GREATEST(p_retry_delay, 1) ELSE p_retry_delay END,
             p_retry_backoff, q.policy
      FROM pgboss.queue q
      WHERE q.name = p_queue;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'SMS queue % is missing', p_queue;
      END IF;
    END
    $fn$`.execute(db);
  await sql`DROP INDEX IF EXISTS sms_messages_due_idx`.execute(db);
  await sql`
    ALTER TABLE sms_messages
      DROP COLUMN priority, DROP COLUMN retry_limit, DROP COLUMN retry_backoff, DROP COLUMN retry_delay,
      DROP COLUMN expire_seconds, DROP COLUMN next_attempt_at`.execute(db);
}
