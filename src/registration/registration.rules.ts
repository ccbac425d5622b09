export const RegistrationState = {
  AWAITING_OTP: 'AWAITING_OTP',
  AWAITING_IIN: 'AWAITING_IIN',
  AWAITING_VIDEO_CHECK: 'AWAITING_VIDEO_CHECK',
  UNDER_REVIEW: 'UNDER_REVIEW',
  COMPLETED: 'COMPLETED',
  REJECTED: 'REJECTED',
} as const;
export type RegistrationState = (typeof RegistrationState)[keyof typeof RegistrationState];

/** States after which the citizen has nothing left to do; they never expire from idleness. */
export const FINAL_STATES: readonly RegistrationState[] = [RegistrationState.COMPLETED, RegistrationState.REJECTED];
/** States in which the registration waits for someone else (moderator); idle expiry does not apply. */
export const WAITING_STATES: readonly RegistrationState[] = [RegistrationState.UNDER_REVIEW];

export function isIdleExpired(state: string, expiresAt: Date, now: Date): boolean {
  if ((FINAL_STATES as readonly string[]).includes(state) || (WAITING_STATES as readonly string[]).includes(state)) return false;
  return expiresAt.getTime() <= now.getTime();
}
