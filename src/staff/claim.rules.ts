// Claims keep two staff members off the same moderation case or ticket.

/** A claim stops protecting an item after this long, so an abandoned one returns to the queue. */
export const CLAIM_TTL_SECONDS = 30 * 60;

export interface Claim {
  claimedBy: string | null;
  claimedAt: Date | null;
}

export function isClaimActive(claim: Claim, now: Date): boolean {
  return claim.claimedBy !== null && claim.claimedAt !== null && now.getTime() - claim.claimedAt.getTime() < CLAIM_TTL_SECONDS * 1000;
}

/** The staff member may work on the item: nobody holds a live claim, or they hold it themselves. */
export function mayWorkOn(claim: Claim, staffId: string, now: Date): boolean {
  return !isClaimActive(claim, now) || claim.claimedBy === staffId;
}

/** The cut-off for `claimed_at` below which a claim no longer counts (for SQL conditions). */
export function claimCutoff(now: Date): Date {
  return new Date(now.getTime() - CLAIM_TTL_SECONDS * 1000);
}
