// The registration's states and the only moves between them. Every change of `registrations.state`
// goes through `transition()` in registration.store.ts, which refuses a move not listed here and moves
// only from the state the caller read (a concurrent move makes it a 409, never an overwrite).
export const RegistrationState = {
  AWAITING_OTP: 'AWAITING_OTP',
  AWAITING_IIN: 'AWAITING_IIN',
  AWAITING_VIDEO_CHECK: 'AWAITING_VIDEO_CHECK',
  UNDER_REVIEW: 'UNDER_REVIEW',
  COMPLETED: 'COMPLETED',
  REJECTED: 'REJECTED',
} as const;
export type RegistrationState = (typeof RegistrationState)[keyof typeof RegistrationState];

/** The state a new registration starts in. */
export const INITIAL_STATE: RegistrationState = RegistrationState.AWAITING_OTP;

/**
 * Who causes a move: the citizen completing a step, the server applying a limit or the video check's
 * judgement, or a moderator deciding a case.
 */
export type TransitionActor = 'citizen' | 'system' | 'moderator';

export interface Transition {
  from: RegistrationState;
  to: RegistrationState;
  by: TransitionActor;
  /** What happened, in the flow's words. */
  when: string;
}

const S = RegistrationState;

/** The transition table: a move not listed here does not happen. */
export const TRANSITIONS: readonly Transition[] = [
  { from: S.AWAITING_OTP, to: S.AWAITING_IIN, by: 'citizen', when: 'the SMS code is right' },
  { from: S.AWAITING_IIN, to: S.AWAITING_VIDEO_CHECK, by: 'citizen', when: 'the registry knows the IIN and BMG binds it to the phone' },
  { from: S.AWAITING_IIN, to: S.REJECTED, by: 'system', when: 'the last IIN lookup the registration is allowed failed' },
  { from: S.AWAITING_VIDEO_CHECK, to: S.COMPLETED, by: 'system', when: 'the video check passed' },
  { from: S.AWAITING_VIDEO_CHECK, to: S.UNDER_REVIEW, by: 'system', when: 'the video check needs a moderator (face ≠ photo, no active evidence, unusable photo)' },
  { from: S.UNDER_REVIEW, to: S.COMPLETED, by: 'moderator', when: 'the moderator approves' },
  { from: S.UNDER_REVIEW, to: S.REJECTED, by: 'moderator', when: 'the moderator rejects' },
];

/** The listed move from `from` to `to` by `by`, if there is one. */
export function findTransition(from: string, to: RegistrationState, by: TransitionActor): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.to === to && t.by === by);
}

/** States with no move out: the citizen has nothing left to do; they never expire from idleness. */
export const FINAL_STATES: readonly RegistrationState[] = Object.values(RegistrationState).filter((s) => !TRANSITIONS.some((t) => t.from === s));
/** States in which the registration waits for someone else (moderator); idle expiry does not apply. */
export const WAITING_STATES: readonly RegistrationState[] = [RegistrationState.UNDER_REVIEW];
/** States that never expire from idleness (the store's one-statement touch is given them too). */
export const NEVER_IDLE_STATES: readonly RegistrationState[] = [...FINAL_STATES, ...WAITING_STATES];

export function isIdleExpired(state: string, expiresAt: Date, now: Date): boolean {
  if ((NEVER_IDLE_STATES as readonly string[]).includes(state)) return false;
  return expiresAt.getTime() <= now.getTime();
}

export type AuthorizationRefusal = 'REGISTRATION_NOT_FOUND' | 'UNAUTHORIZED' | 'REGISTRATION_FINISHED' | 'REGISTRATION_EXPIRED';

/**
 * Why a step call is refused, from the registration's row as found (undefined: none) and whether the
 * call's token is its own; null: authorised. `closed`: the states the call may not act in (a
 * finished registration's token only reads). The database's one-statement authorisations
 * (`findAndTouch`, `registration_authorize`) touch the row exactly when this answers null.
 */
export function authorizationRefusal(
  row: { state: string; expires_at: Date } | undefined,
  tokenMatches: boolean,
  closed: readonly string[],
  now: Date,
): AuthorizationRefusal | null {
  if (!row) return 'REGISTRATION_NOT_FOUND';
  if (!tokenMatches) return 'UNAUTHORIZED';
  if (closed.includes(row.state)) return 'REGISTRATION_FINISHED';
  if (isIdleExpired(row.state, new Date(row.expires_at), now)) return 'REGISTRATION_EXPIRED';
  return null;
}
