// The registration's video check (steps 5–6): the registration at AWAITING_VIDEO_CHECK owns it; a pass
// completes the registration (digital profile + SMS); a live face that does not match goes to a
// moderator with its evidence (encrypted case + SMS); every result is audited.
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import type { Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskIin } from '../platform/masking.js';
import { appendAudit } from '../audit/audit.store.js';
import { completeRegistration, lockRegistration, sendToReview, type RegistrationRow } from '../registration/registration.service.js';
import { RegistrationState } from '../registration/registration.rules.js';
import type { ModerationService } from '../moderation/moderation.service.js';
import type { CheckPurpose, JudgedCheck } from './video-check.service.js';
import { FACE_PIPELINE } from './match.rules.js';
import { attachEnrolment, keepEnrolment } from './face-enrolment.store.js';
import { round } from './video-check.service.js';

export function registrationCheck(ctx: AppContext, moderation: ModerationService, registration: RegistrationRow): CheckPurpose {
  return {
    owner: { kind: 'registration', registrationId: registration.id },
    // At AWAITING_VIDEO_CHECK the IIN is known (ready() refuses any other state).
    person: { phone: registration.phone, iin: registration.iin ?? '' },
    unmatched: 'review',
    ready: () => assertAwaitingCheck(registration),
    lockOwner: async (trx) => assertAwaitingCheck((await lockRegistration(trx, registration.id)) ?? null),
    conclude: async (trx, judged) => {
      const { judgement, similarity } = judged.analysis;
      const language = registration.language as Language;
      // The face the registration is decided on (now, or by a moderator) is the Digital ID's reference
      // for its step-ups; it is kept whoever decides.
      if (judged.outcome === 'PASSED' || judged.outcome === 'UNDER_REVIEW') await keepFace(ctx, trx, registration.id, judged);
      if (judged.outcome === 'PASSED') {
        await completeRegistration(trx, registration.id, 'video_check');
        await attachEnrolment(trx, registration.id);
        await ctx.sms.enqueue(trx, { phone: registration.phone, language, purpose: 'video_check_passed', params: {} });
      } else if (judged.outcome === 'UNDER_REVIEW') {
        await sendToReview(trx, registration.id, judged.now);
        await moderation.openCase(trx, {
          registrationId: registration.id,
          videoCheckId: judged.checkId,
          similarity,
          livenessScore: judgement.livenessScore,
          reasons: judged.caseReasons,
          evidence: {
            referencePhoto: judged.referencePhoto ? judged.referencePhoto.toString('base64') : null,
            frames: judgement.bestFrames.map((i) => judged.frames[i].toString('base64')),
            scores: judged.scores,
            challengeTrace: judgement.challengeTrace,
            liveness: judgement.evidence,
          },
          now: judged.now,
        });
        await ctx.sms.enqueue(trx, { phone: registration.phone, language, purpose: 'video_check_under_review', params: {} });
      }
      await appendAudit(trx, {
        type: 'video_check.completed',
        actor: 'citizen',
        registrationId: registration.id,
        subject: registration.iin ? maskIin(registration.iin) : null,
        clientIp: judged.clientIp,
        details: {
          checkId: judged.checkId,
          outcome: judged.outcome,
          reasons: judged.reasons,
          similarity: similarity === null ? null : round(similarity),
          livenessScore: round(judgement.livenessScore),
          // Which liveness signals decided, with their values and thresholds.
          liveness: { mode: judgement.evidence.mode, verdict: judgement.evidence.verdict, signals: judgement.evidence.signals },
        },
      });
    },
  };
}

async function keepFace(ctx: AppContext, trx: Tx, registrationId: string, judged: JudgedCheck): Promise<void> {
  const probe = judged.analysis.probe;
  if (!probe || probe.length === 0) return;
  await keepEnrolment(trx, ctx.config.encryptionKey, { registrationId, videoCheckId: judged.checkId, template: probe, pipelineVersion: FACE_PIPELINE.version, now: judged.now });
}

function assertAwaitingCheck(registration: { state: string } | null): void {
  if (registration?.state !== RegistrationState.AWAITING_VIDEO_CHECK) throw new AppError('INVALID_STATE', { state: registration?.state ?? 'UNKNOWN', expected: RegistrationState.AWAITING_VIDEO_CHECK });
}
