// transition() against a real database: the table is enforced, and of two concurrent moves from the
// same state exactly one happens; the other is a 409 INVALID_STATE, never an overwrite. On PostgreSQL
// the two transactions run on two connections at once (both have read the old state before either
// writes); on PGlite, one connection, they run one after the other.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors/app-error.js';
import { useTestDatabase } from '../../test/support/use-test-database.js';
import { RegistrationState, type TransitionActor } from './registration.rules.js';
import * as store from './registration.store.js';

const S = RegistrationState;
const testDbKind = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const database = useTestDatabase();

async function registrationIn(state: RegistrationState): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await store.insertRegistration(database.db, { id, tokenHash: randomBytes(32), phone: '+77011234567', language: 'ru', now, expiresAt: new Date(now.getTime() + 60_000) });
  // Test set-up only: puts the row where the case starts.
  if (state !== S.AWAITING_OTP) await database.db.updateTable('registrations').set({ state, iin: '880312311013' }).where('id', '=', id).execute();
  return id;
}

function stateOf(id: string) {
  return database.db.selectFrom('registrations').select(['state', 'iin', 'masked_name', 'rejection_reason']).where('id', '=', id).executeTakeFirstOrThrow();
}

/** Resolves once `n` callers have arrived (on PostgreSQL: both transactions have read the old state). */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    arrived += 1;
    if (arrived === n) open();
    return opened;
  };
}

type Move = { from: RegistrationState; to: RegistrationState; by: TransitionActor; changes?: store.RegistrationChanges };

/** Runs the moves in concurrent transactions; each reads the state first, as a service does. */
async function race(id: string, moves: Move[]) {
  const arrive = testDbKind === 'postgres' ? barrier(moves.length) : async () => undefined;
  return Promise.allSettled(
    moves.map((m) =>
      database.db.transaction().execute(async (trx) => {
        const seen = await trx.selectFrom('registrations').select('state').where('id', '=', id).executeTakeFirstOrThrow();
        // Two connections: both read the old state before either writes. One (PGlite): the second reads after the first commits.
        if (testDbKind === 'postgres') expect(seen.state).toBe(m.from);
        await arrive();
        await store.transition(trx, id, m, m.changes ?? {}, new Date());
        return m.to;
      }),
    ),
  );
}

function invalidState(result: PromiseSettledResult<unknown>) {
  expect(result.status).toBe('rejected');
  const err = (result as PromiseRejectedResult).reason;
  expect(err).toBeInstanceOf(AppError);
  return { code: (err as AppError).code, details: (err as AppError).details };
}

describe(`registration.store transition (${testDbKind})`, () => {
  it('moves a listed transition from the expected state', async () => {
    const id = await registrationIn(S.AWAITING_OTP);
    await store.transition(database.db, id, { from: S.AWAITING_OTP, to: S.AWAITING_IIN, by: 'citizen' }, {}, new Date());
    expect((await stateOf(id)).state).toBe(S.AWAITING_IIN);
  });

  it('refuses a move the table does not list, and leaves the row as it was', async () => {
    const id = await registrationIn(S.AWAITING_VIDEO_CHECK);
    for (const move of [
      { from: S.AWAITING_VIDEO_CHECK, to: S.COMPLETED, by: 'citizen' },
      { from: S.AWAITING_VIDEO_CHECK, to: S.REJECTED, by: 'system' },
      { from: S.AWAITING_VIDEO_CHECK, to: S.AWAITING_IIN, by: 'system' },
    ] as const) {
      await expect(store.transition(database.db, id, move, {}, new Date())).rejects.toMatchObject({ code: 'INVALID_STATE', details: { state: S.AWAITING_VIDEO_CHECK } });
    }
    expect((await stateOf(id)).state).toBe(S.AWAITING_VIDEO_CHECK);
  });

  it('answers 409 INVALID_STATE with the current state when the row is no longer in `from`', async () => {
    const id = await registrationIn(S.UNDER_REVIEW);
    await expect(store.transition(database.db, id, { from: S.AWAITING_VIDEO_CHECK, to: S.UNDER_REVIEW, by: 'system' }, {}, new Date())).rejects.toMatchObject({
      code: 'INVALID_STATE',
      details: { state: S.UNDER_REVIEW, expected: S.AWAITING_VIDEO_CHECK },
    });
    expect((await stateOf(id)).state).toBe(S.UNDER_REVIEW);
  });

  it('answers REGISTRATION_NOT_FOUND for a registration that does not exist', async () => {
    await expect(store.transition(database.db, randomUUID(), { from: S.AWAITING_OTP, to: S.AWAITING_IIN, by: 'citizen' }, {}, new Date())).rejects.toMatchObject({ code: 'REGISTRATION_NOT_FOUND' });
  });

  it('of two concurrent identical moves, one succeeds and the other is a 409', async () => {
    const id = await registrationIn(S.AWAITING_OTP);
    const move = { from: S.AWAITING_OTP, to: S.AWAITING_IIN, by: 'citizen' } as const;
    const results = await race(id, [move, move]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = invalidState(results.find((r) => r.status === 'rejected')!);
    expect(lost).toEqual({ code: 'INVALID_STATE', details: { state: S.AWAITING_IIN, expected: S.AWAITING_OTP } });
    expect((await stateOf(id)).state).toBe(S.AWAITING_IIN);
  });

  it('of two concurrent different moves from one state, the winner stands whole and the loser writes nothing', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await registrationIn(S.AWAITING_IIN);
      const accept: Move = { from: S.AWAITING_IIN, to: S.AWAITING_VIDEO_CHECK, by: 'citizen', changes: { iin: '930725411027', masked_name: 'Айгерім А.' } };
      const end: Move = { from: S.AWAITING_IIN, to: S.REJECTED, by: 'system', changes: { rejection_reason: 'IIN_ATTEMPTS_EXCEEDED' } };
      const results = await race(id, round % 2 === 0 ? [accept, end] : [end, accept]);
      const won = results.filter((r): r is PromiseFulfilledResult<RegistrationState> => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      expect(invalidState(results.find((r) => r.status === 'rejected')!)).toEqual({ code: 'INVALID_STATE', details: { state: won[0].value, expected: S.AWAITING_IIN } });
      const row = await stateOf(id);
      if (won[0].value === S.AWAITING_VIDEO_CHECK) expect(row).toEqual({ state: S.AWAITING_VIDEO_CHECK, iin: '930725411027', masked_name: 'Айгерім А.', rejection_reason: null });
      else expect(row).toEqual({ state: S.REJECTED, iin: '880312311013', masked_name: null, rejection_reason: 'IIN_ATTEMPTS_EXCEEDED' });
    }
  });
});
