// Sliding-window limits: so many events per subject (registration, phone, IP) within a window.

export interface WindowCount {
  /** Events within the window. */
  count: number;
  /** The oldest of them: the window frees a slot when it leaves. */
  oldest: Date | null;
}

/**
 * Seconds to wait (≥ 1) when any subject has reached its limit — until its oldest event leaves the
 * window — or null when every subject is below its limit. Checked in the order given.
 */
export function limitRetryAfter(subjects: ReadonlyArray<{ used: WindowCount; limit: number }>, windowSeconds: number, now: Date): number | null {
  for (const { used, limit } of subjects) {
    if (used.count < limit) continue;
    return secondsUntil(new Date((used.oldest ?? now).getTime() + windowSeconds * 1000), now);
  }
  return null;
}

/** Whole seconds until `when` (a Retry-After), never less than one. */
export function secondsUntil(when: Date, now: Date): number {
  return Math.max(1, Math.ceil((when.getTime() - now.getTime()) / 1000));
}
