// otp_judge (migration 0019) decides a code attempt inside the one-round-trip sign-in step: it must
// answer as otp.rules `judgeAttempt` for every combination of the inputs that matter.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '../../test/support/use-test-database.js';
import { judgeAttempt, type OtpAttempt } from './otp.rules.js';

const now = new Date('2026-12-01T12:00:00Z');
const maxAttempts = 5;

describe('otp_judge', () => {
  const database = useTestDatabase();

  it('otp_judge answers as judgeAttempt for every status, attempt count, expiry and match', async () => {
    const cases = [];
    for (const status of [null, 'voided', 'used', 'exhausted', 'active'])
      for (const attempts of [0, 2, 4, 5])
        for (const expiresIn of [-1, 0, 0.001, 120])
          for (const matches of [true, false]) cases.push({ status, attempts, expiresAt: new Date(now.getTime() + expiresIn * 1000), matches });
    const { rows } = await sql<{ i: number; verification: string; attempts_left: number | null; record_attempts: number | null; record_status: string | null }>`
      select c.i::int as i, j.* from unnest(${cases.map((c) => c.status)}::text[], ${cases.map((c) => c.expiresAt)}::timestamptz[],
        ${cases.map((c) => c.attempts)}::int[], ${cases.map((c) => c.matches)}::boolean[]) with ordinality as c(status, expires_at, attempts, matches, i),
        lateral otp_judge(c.status, c.expires_at, c.attempts, c.matches, ${maxAttempts}::int, ${now}) j
      order by c.i`.execute(database.db);
    expect(rows).toHaveLength(cases.length);
    for (const row of rows) {
      const c = cases[row.i - 1];
      const expected: OtpAttempt = judgeAttempt(c.status === null ? undefined : { ...c, status: c.status }, c.matches, { maxAttempts }, now);
      const fromSql: OtpAttempt = {
        verification:
          row.verification === 'ok'
            ? { ok: true }
            : row.verification === 'OTP_INVALID'
              ? { ok: false, code: 'OTP_INVALID', attemptsLeft: row.attempts_left! }
              : { ok: false, code: row.verification as 'OTP_EXPIRED' | 'OTP_ATTEMPTS_EXCEEDED' },
        record: row.record_status === null ? null : { attempts: row.record_attempts!, status: row.record_status as 'active' | 'used' | 'exhausted' },
      };
      expect({ case: c, answer: fromSql }).toEqual({ case: c, answer: expected });
    }
  });
});
