// registration_authorize (migration 0022) decides inside the code and IIN steps' one call whether the
// call may act, and touches the row only then; the service decides the answer on the row it returns
// with registration.rules `authorizationRefusal`. The two must agree for every state, token, expiry
// and set of closed states, or a step could act on a call the service then refuses (or the reverse).
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { authorizationRefusal, FINAL_STATES, NEVER_IDLE_STATES, RegistrationState } from './registration.rules.js';
import * as store from './registration.store.js';

const now = new Date('2026-12-01T12:00:00Z');
const touchedUntil = new Date(now.getTime() + 30 * 60_000);

describe('registration_authorize', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  }, 600_000);
  afterAll(async () => {
    await database?.close();
  });

  it('authorises and touches exactly the calls authorizationRefusal accepts', async () => {
    const cases = [];
    for (const state of Object.values(RegistrationState))
      for (const expiresIn of [-60, -0.001, 0, 0.001, 60])
        for (const tokenMatches of [true, false])
          for (const closed of [FINAL_STATES, []]) {
            const id = randomUUID();
            const token = randomBytes(32);
            const expiresAt = new Date(now.getTime() + expiresIn * 1000);
            await store.insertRegistration(database.db, { id, tokenHash: token, phone: '+77011234567', language: 'ru', now, expiresAt });
            await sql`update registrations set state = ${state} where id = ${id}`.execute(database.db);
            cases.push({ id, token, state, expiresAt, tokenMatches, closed });
          }
    cases.push({ id: randomUUID(), token: randomBytes(32), state: 'none', expiresAt: now, tokenMatches: true, closed: FINAL_STATES });

    for (const c of cases) {
      const { rows } = await sql<{ authorized: boolean; reg_state: string | null }>`
        select * from registration_authorize(${c.id}, ${c.tokenMatches ? c.token : randomBytes(32)}, ${[...c.closed]}::text[],
          ${[...NEVER_IDLE_STATES]}::text[], ${now}, ${touchedUntil})`.execute(database.db);
      const found = c.state === 'none' ? undefined : { state: c.state, expires_at: c.expiresAt };
      const expected = authorizationRefusal(found, c.tokenMatches, c.closed, now) === null;
      const after = await database.db.selectFrom('registrations').select('expires_at').where('id', '=', c.id).executeTakeFirst();
      const touched = after !== undefined && new Date(after.expires_at).getTime() === touchedUntil.getTime();
      const label = { state: c.state, expiresIn: c.expiresAt.getTime() - now.getTime(), tokenMatches: c.tokenMatches, closed: c.closed.length };
      expect({ ...label, authorized: rows[0].authorized, touched }).toEqual({ ...label, authorized: expected, touched: expected });
      expect(rows[0].reg_state ?? 'none').toBe(c.state);
    }
  });
});
