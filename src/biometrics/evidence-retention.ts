// Retention of moderation evidence: a pg-boss cron job nulls the evidence of decided cases once their
// retention period is over, of cases left open far beyond it, marks abandoned video checks, and deletes
// the failure-count and lock rows that no longer count (a run-out lock, failures a day old), and the face
// templates of registrations never decided. A Digital ID's enrolled face (face_enrolments with a
// profile) is not evidence: it stays while the Digital ID exists, as its step-up reference.
import type { AppContext } from '../app-context.js';
import type { ModerationService } from '../moderation/moderation.service.js';
import { abandonExpiredChecks } from './video-check.store.js';
import { deleteSpentLocks } from './video-check-lock.store.js';
import { deleteUndecidedEnrolments } from './face-enrolment.store.js';
import { ensureQueue } from '../platform/queue.js';

export const EVIDENCE_RETENTION_QUEUE = 'video-check-evidence-retention';
/** Every hour at minute 17. */
const SCHEDULE = '17 * * * *';
/** An open case that nobody decided for this many retention periods is considered abandoned. */
const ABANDONED_AFTER_PERIODS = 2;

export async function runEvidenceRetention(
  ctx: AppContext,
  moderation: ModerationService,
  now = new Date(),
): Promise<{ decided: number; abandonedCases: number; abandonedChecks: number; spentLocks: number; undecidedEnrolments: number }> {
  const retentionMs = ctx.config.videoCheck.evidenceRetentionDays * 86_400_000;
  const abandonedBefore = new Date(now.getTime() - ABANDONED_AFTER_PERIODS * Math.max(retentionMs, 86_400_000));
  const { decided, abandonedCases } = await moderation.deleteDueEvidence(now, abandonedBefore);
  const abandonedChecks = await abandonExpiredChecks(ctx.db, now);
  const spentLocks = await deleteSpentLocks(ctx.db, now);
  const undecidedEnrolments = await deleteUndecidedEnrolments(ctx.db, abandonedBefore);
  const counts = { decided, abandonedCases, abandonedChecks, spentLocks, undecidedEnrolments };
  if (Object.values(counts).some((n) => n > 0)) ctx.logger.info(counts, 'video check evidence retention');
  return counts;
}

export async function startEvidenceRetention(ctx: AppContext, moderation: ModerationService): Promise<{ stop(): Promise<void> }> {
  await ensureQueue(ctx.queue, EVIDENCE_RETENTION_QUEUE);
  await ctx.queue.schedule(EVIDENCE_RETENTION_QUEUE, SCHEDULE);
  const workerId = await ctx.queue.work(EVIDENCE_RETENTION_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    await runEvidenceRetention(ctx, moderation);
  });
  return { stop: () => ctx.queue.offWork({ id: workerId }) };
}
