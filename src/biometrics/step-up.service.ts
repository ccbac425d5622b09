// The face step-up: a video check of the signed-in citizen against their Digital ID's reference with the
// registration's engine, challenges, failure count and 15-minute lock (video-check.service.ts). The
// reference is the enrolled face (the registration check's template, kept whether the check passed or a
// moderator approved it), compared at the production threshold; only a Digital ID without one of the
// current pipeline version (made before enrolments were kept) is compared with the registry photo of
// its IIN. One reference per check, never the better of two: a second chance would raise the
// false-match rate that the threshold was measured for. A pass holds the session at
// assurance `high` for 15 minutes (session.rules `highAssuranceUntil`); nobody reviews a step-up, so a
// face that does not match is a failure like any other. No images are kept: the check's row holds the
// scores and trace, as a registration check that no moderator sees.
import type { AppContext } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskIin } from '../platform/masking.js';
import { appendAudit } from '../audit/audit.store.js';
import { highAssuranceUntil, type Assurance } from '../session/session.rules.js';
import type { CitizenPrincipal } from '../session/session.service.js';
import * as sessions from '../session/session.store.js';
import { FACE_PIPELINE, type ReferenceTemplate } from './match.rules.js';
import { findEnrolledTemplate } from './face-enrolment.store.js';
import { round, type CheckPurpose, type JudgedCheck, type VideoCheckIssued, type VideoCheckResult, type VideoCheckService } from './video-check.service.js';

export interface StepUpResult extends VideoCheckResult {
  /** The session's assurance after this check. */
  assurance: Assurance;
  /** Until when the session is at `high` (set when it is). */
  assuranceUntil?: string;
}

export class StepUpService {
  constructor(
    private readonly ctx: AppContext,
    private readonly checks: VideoCheckService,
  ) {}

  async start(principal: CitizenPrincipal, clientIp: string): Promise<VideoCheckIssued> {
    return this.checks.issue(await this.purpose(principal, () => undefined), { clientIp });
  }

  async submit(principal: CitizenPrincipal, checkId: string, frames: Buffer[], timestamps: number[], clientIp: string): Promise<StepUpResult> {
    let raisedUntil: Date | null = null;
    const result = await this.checks.submit(
      await this.purpose(principal, (until) => (raisedUntil = until)),
      checkId,
      frames,
      timestamps,
      { clientIp },
    );
    const until: Date | null = raisedUntil ?? principal.highAssuranceUntil;
    return { ...result, assurance: until ? 'high' : principal.assurance, ...(until ? { assuranceUntil: until.toISOString() } : {}) };
  }

  private async reference(profile: { id: string; iin: string }): Promise<ReferenceTemplate> {
    const enrolled = await findEnrolledTemplate(this.ctx.db, this.ctx.config.encryptionKey, profile.id, FACE_PIPELINE.version);
    return enrolled ? { template: enrolled, source: 'enrolment' } : this.checks.referenceTemplate(profile.iin);
  }

  private async purpose(principal: CitizenPrincipal, raised: (until: Date) => void): Promise<CheckPurpose> {
    const profile = await sessions.findProfile(this.ctx.db, principal.profileId);
    if (!profile) throw new AppError('SESSION_REQUIRED');
    const audit = { actor: 'citizen' as const, profileId: profile.id, subject: maskIin(profile.iin) };
    return {
      owner: { kind: 'step_up', profileId: profile.id, sessionId: principal.sessionId },
      person: { phone: profile.phone, iin: profile.iin },
      reference: () => this.reference(profile),
      unmatched: 'fail',
      ready: () => undefined,
      lockOwner: async (trx) => {
        const locked = await sessions.findProfile(trx, profile.id, { forUpdate: true });
        if (!locked || locked.blocked_at) throw new AppError('SESSION_REQUIRED', { reason: 'blocked' });
      },
      issued: async (trx, checkId, clientIp) => {
        await appendAudit(trx, { ...audit, type: 'step_up.started', clientIp, details: { sessionId: principal.sessionId, checkId } });
      },
      conclude: async (trx, judged) => {
        if (judged.outcome === 'PASSED') {
          const until = highAssuranceUntil(judged.now);
          // The session may have been signed out while its frames were analysed: then nothing is raised.
          if (!(await sessions.raiseToHigh(trx, principal.sessionId, until))) throw new AppError('SESSION_REQUIRED');
          raised(until);
          const similarity = judged.analysis.similarity;
          await appendAudit(trx, {
            ...audit,
            type: 'step_up.passed',
            clientIp: judged.clientIp,
            details: {
              sessionId: principal.sessionId,
              checkId: judged.checkId,
              highUntil: until.toISOString(),
              similarity: similarity === null ? null : round(similarity),
              reference: judged.analysis.referenceSource ?? null,
            },
          });
          return;
        }
        const failure = failureDetails(principal.sessionId, judged);
        if (judged.outcome === 'LOCKED') {
          await appendAudit(trx, { ...audit, type: 'step_up.locked', clientIp: judged.clientIp, details: { ...failure, lockedUntil: judged.lockedUntil?.toISOString() ?? null } });
        } else {
          await appendAudit(trx, { ...audit, type: 'step_up.failed', clientIp: judged.clientIp, details: failure });
        }
      },
    };
  }
}

function failureDetails(sessionId: string, judged: JudgedCheck) {
  const { judgement, similarity } = judged.analysis;
  return {
    sessionId,
    checkId: judged.checkId,
    reasons: judged.reasons,
    similarity: similarity === null ? null : round(similarity),
    reference: judged.analysis.referenceSource ?? null,
    livenessScore: round(judgement.livenessScore),
    liveness: { mode: judgement.evidence.mode, verdict: judgement.evidence.verdict, signals: judgement.evidence.signals },
  };
}
