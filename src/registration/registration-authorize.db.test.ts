// registration_authorize (migration 0022) decides inside the code and IIN steps' one call whether the
// call may act, and touches the row only then; the service decides the answer on the row it returns
// with registration.rules `authorizationRefusal`. The two must agree for every state, token, expiry
// and set of closed states, or a step could act on a call the service then refuses (or the reverse).
// Since 0026 the steps decide with the same expression (registration_authorized) and touch the row in
// their last UPDATE: they are held to the same table.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { authorizationRefusal, FINAL_STATES, NEVER_IDLE_STATES, RegistrationState } from './registration.rules.js';
import * as store from './registration.store.js';
import * as iinStore from './iin-attempts.store.js';

const now = new Date('2026-12-01T12:00:00Z');
const touchedUntil = new Date(now.getTime() + 30 * 60_000);

interface Case {
  id: string;
  token: Buffer;
  state: string;
  expiresAt: Date;
  tokenMatches: boolean;
  closed: readonly string[];
}

describe('registration_authorize', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  }, 600_000);
  afterAll(async () => {
    await database?.close();
  });

  /** A registration for every state, expiry, token and set of closed states (with its phone's keys, as a start stores them), and one that does not exist. */
  async function cases(): Promise<Case[]> {
    const made: Case[] = [];
    for (const state of Object.values(RegistrationState))
      for (const expiresIn of [-60, -0.001, 0, 0.001, 60])
        for (const tokenMatches of [true, false])
          for (const closed of [FINAL_STATES, []]) {
            const id = randomUUID();
            const token = randomBytes(32);
            const expiresAt = new Date(now.getTime() + expiresIn * 1000);
            await store.insertRegistration(database.db, { id, tokenHash: token, phone: '+77011234567', language: 'ru', now, expiresAt });
            await sql`update registrations set state = ${state}, iin_attempt_phone_hash = ${randomBytes(32)}, lock_phone_hash = ${randomBytes(32)} where id = ${id}`.execute(database.db);
            made.push({ id, token, state, expiresAt, tokenMatches, closed });
          }
    made.push({ id: randomUUID(), token: randomBytes(32), state: 'none', expiresAt: now, tokenMatches: true, closed: FINAL_STATES });
    return made;
  }

  /** Whether the call was authorised and the row touched, beside the case, for one readable failure. */
  async function outcome(c: Case, authorized: boolean) {
    const after = await database.db.selectFrom('registrations').select('expires_at').where('id', '=', c.id).executeTakeFirst();
    const touched = after !== undefined && new Date(after.expires_at).getTime() === touchedUntil.getTime();
    const found = c.state === 'none' ? undefined : { state: c.state, expires_at: c.expiresAt };
    const expected = authorizationRefusal(found, c.tokenMatches, c.closed, now) === null;
    const label = { state: c.state, expiresIn: c.expiresAt.getTime() - now.getTime(), tokenMatches: c.tokenMatches, closed: c.closed.length };
    expect({ ...label, authorized, touched }).toEqual({ ...label, authorized: expected, touched: expected });
  }

  const tokenOf = (c: Case) => (c.tokenMatches ? c.token : randomBytes(32));

  it('authorises and touches exactly the calls authorizationRefusal accepts', async () => {
    for (const c of await cases()) {
      const { rows } = await sql<{ authorized: boolean; reg_state: string | null }>`
        select * from registration_authorize(${c.id}, ${tokenOf(c)}, ${[...c.closed]}::text[],
          ${[...NEVER_IDLE_STATES]}::text[], ${now}, ${touchedUntil})`.execute(database.db);
      await outcome(c, rows[0].authorized);
      expect(rows[0].reg_state ?? 'none').toBe(c.state);
    }
  });

  it('the code step (registration_code_step) touches exactly the calls authorizationRefusal accepts, and returns the row as found', async () => {
    for (const c of await cases()) {
      const tokenHash = tokenOf(c);
      const result = await store.codeStep(database.db, {
        id: c.id,
        tokenHash,
        closed: c.closed,
        neverIdle: NEVER_IDLE_STATES,
        now,
        expiresAt: touchedUntil,
        move: { from: RegistrationState.AWAITING_OTP, to: RegistrationState.AWAITING_IIN, by: 'citizen' },
        codeHmac: randomBytes(32),
        maxAttempts: 5,
        clientIp: '10.0.0.1',
        audit: { verified: 'otp.verified', failed: 'otp.failed', locked: 'otp.locked' },
      });
      const found = result.registration;
      const authorized = authorizationRefusal(found, found !== undefined && Buffer.compare(found.token_hash, tokenHash) === 0, c.closed, now) === null;
      await outcome(c, authorized);
      expect(found?.state ?? 'none').toBe(c.state);
      // A judged code only where the call may act in AWAITING_OTP (there is none here: it has expired).
      expect(result.verification).toBe(authorized && c.state === RegistrationState.AWAITING_OTP ? 'OTP_EXPIRED' : null);
    }
  });

  it('the IIN step (registration_iin_step) touches exactly the calls authorizationRefusal accepts, and returns the row as found', async () => {
    for (const c of await cases()) {
      const tokenHash = tokenOf(c);
      const result = await iinStore.stepWithToken(database.db, {
        auth: { tokenHash, closed: c.closed, neverIdle: NEVER_IDLE_STATES, expiresAt: touchedUntil },
        id: randomUUID(),
        registrationId: c.id,
        iin: '880312311013',
        iinHash: randomBytes(32),
        lockIinHash: randomBytes(32),
        clientIp: '10.0.0.1',
        now,
        windowSeconds: 86_400,
        limits: { perRegistration: 5, perPhonePerDay: 10, perIpPerDay: 1000 },
        end: { move: { from: RegistrationState.AWAITING_IIN, to: RegistrationState.REJECTED }, reason: 'IIN_ATTEMPTS_EXCEEDED', audit: { type: 'iin.attempts_exceeded', details: { limit: 5 } } },
        limitedAuditType: 'iin.attempts_limited',
        subject: '8803****1013',
        acceptTo: RegistrationState.AWAITING_VIDEO_CHECK,
        failedAuditTypes: { notFound: 'iin.not_found', mismatch: 'bmg.mismatch' },
      });
      const found = result.registration;
      const authorized = authorizationRefusal(found, found !== undefined && Buffer.compare(found.token_hash, tokenHash) === 0, c.closed, now) === null;
      await outcome(c, authorized);
      expect(found?.state ?? 'none').toBe(c.state);
      // A lookup (of an IIN the empty registry does not know) only where the call may act in AWAITING_IIN.
      expect(result.step?.outcome ?? null).toBe(authorized && c.state === RegistrationState.AWAITING_IIN ? 'not_found' : null);
    }
  });
});
