// One lifetime rule for every signed-in session, the citizen's and the staff member's: a session ends
// when it is ended (sign-out, revoke, block), after `idleTimeoutSeconds` without a request, or
// `absoluteTimeoutSeconds` after it began however busy it is, whichever comes first.

export type SessionStatus = 'active' | 'ended' | 'idle_expired' | 'absolute_expired';

export interface SessionLimits {
  idleTimeoutSeconds: number;
  absoluteTimeoutSeconds: number;
}

export interface SessionTimes {
  createdAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
}

export function sessionStatus(session: SessionTimes, now: Date, limits: SessionLimits): SessionStatus {
  if (session.endedAt) return 'ended';
  if (now.getTime() >= session.createdAt.getTime() + limits.absoluteTimeoutSeconds * 1000) return 'absolute_expired';
  if (now.getTime() >= session.lastSeenAt.getTime() + limits.idleTimeoutSeconds * 1000) return 'idle_expired';
  return 'active';
}

/** When an active session will end if nothing more happens: the earlier of its idle and absolute ends. */
export function sessionEndsAt(session: Omit<SessionTimes, 'endedAt'>, limits: SessionLimits): Date {
  return new Date(
    Math.min(session.createdAt.getTime() + limits.absoluteTimeoutSeconds * 1000, session.lastSeenAt.getTime() + limits.idleTimeoutSeconds * 1000),
  );
}
