import { describe, expect, it } from 'vitest';
import { FINAL_STATES, findTransition, INITIAL_STATE, RegistrationState, TRANSITIONS, type TransitionActor } from './registration.rules.js';

const S = RegistrationState;
const STATES = Object.values(RegistrationState);
const ACTORS: TransitionActor[] = ['citizen', 'system', 'moderator'];

/** The flow as ARCHITECTURE.md draws it: every allowed move, with who makes it. */
const ALLOWED = new Set([
  'AWAITING_OTP → AWAITING_IIN by citizen',
  'AWAITING_IIN → AWAITING_VIDEO_CHECK by citizen',
  'AWAITING_IIN → REJECTED by system',
  'AWAITING_VIDEO_CHECK → COMPLETED by system',
  'AWAITING_VIDEO_CHECK → UNDER_REVIEW by system',
  'UNDER_REVIEW → COMPLETED by moderator',
  'UNDER_REVIEW → REJECTED by moderator',
]);

describe('registration transition table', () => {
  const pairs = STATES.flatMap((from) => STATES.flatMap((to) => ACTORS.map((by) => ({ from, to, by, name: `${from} → ${to} by ${by}` }))));

  it.each(pairs.filter((p) => ALLOWED.has(p.name)))('allows $name', ({ from, to, by }) => {
    expect(findTransition(from, to, by)).toMatchObject({ from, to, by });
  });

  it.each(pairs.filter((p) => !ALLOWED.has(p.name)))('refuses $name', ({ from, to, by }) => {
    expect(findTransition(from, to, by)).toBeUndefined();
  });

  it('refuses a move from a state that does not exist', () => {
    expect(findTransition('LOCKED', S.COMPLETED, 'system')).toBeUndefined();
    expect(findTransition('', S.AWAITING_IIN, 'citizen')).toBeUndefined();
  });

  it('lists each move once', () => {
    const names = TRANSITIONS.map((t) => `${t.from} → ${t.to} by ${t.by}`);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(names)).toEqual(ALLOWED);
  });

  it('never moves back to an earlier step, and no state moves to itself', () => {
    const order: RegistrationState[] = [S.AWAITING_OTP, S.AWAITING_IIN, S.AWAITING_VIDEO_CHECK, S.UNDER_REVIEW, S.COMPLETED];
    for (const t of TRANSITIONS) {
      expect(t.to).not.toBe(t.from);
      if (order.includes(t.to)) expect(order.indexOf(t.to)).toBeGreaterThan(order.indexOf(t.from));
    }
  });

  it('reaches every state from the initial one, and only COMPLETED and REJECTED are final', () => {
    const reached = new Set<string>([INITIAL_STATE]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of TRANSITIONS) {
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...STATES].sort());
    expect([...FINAL_STATES].sort()).toEqual([S.COMPLETED, S.REJECTED]);
  });

  it('lets only a moderator decide a case under review, and never the citizen end a registration', () => {
    for (const t of TRANSITIONS) {
      if (t.from === S.UNDER_REVIEW) expect(t.by).toBe('moderator');
      if (t.by === 'citizen') expect(FINAL_STATES).not.toContain(t.to);
    }
  });
});
