// The video check on the server, for every purpose it serves (a registration's check, a face step-up):
// issue a single-use check with its challenges, then judge the captured frames with the engine and
// decide under the person's failure count and lock, in one transaction with what the purpose does with
// the outcome (registration-check.ts, step-up.service.ts). The browser only captures and guides; this decides.
import { randomInt, randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import type { Tx } from '../platform/db/database.js';
import { drawChallenges, parseChallengeSetting, type Challenge, type ChallengeSetting } from './challenges.rules.js';
import { EngineError, type EnginePool } from './engine/engine.pool.js';
import { analyzeCheck, type CheckAnalysis } from './video-check.analysis.js';
import { assessReference, FACE_PIPELINE, type ReferenceTemplate } from './match.rules.js';
import { citizenReasons, decideOutcome, goesToReview, reviewReasons, stepUpReasons, type ReviewReason, type VideoCheckOutcome } from './video-check.rules.js';
import type { VideoCheckLocks, Person } from './video-check-lock.service.js';
import { limitRetryAfter } from '../platform/limits.rules.js';
import * as store from './video-check.store.js';

export interface VideoCheckIssued {
  checkId: string;
  challenges: Challenge[];
  expiresAt: string;
  capture: { minFrames: number; maxFrames: number; maxFrameBytes: number; fps: number; challengeWindowMs: number; passiveMs: number };
}

export interface VideoCheckResult {
  outcome: VideoCheckOutcome;
  reasons: string[];
  attemptsLeft: number;
  lockedUntil?: string;
}

/** A judged check, handed to its purpose inside the transaction that records it. */
export interface JudgedCheck {
  checkId: string;
  challenges: Challenge[];
  frames: Buffer[];
  analysis: CheckAnalysis;
  outcome: VideoCheckOutcome;
  /** What the citizen is told. */
  reasons: string[];
  /** Why a moderator sees the check (registration, UNDER_REVIEW). */
  caseReasons: ReviewReason[];
  /** Scores for the evidence and the audit trail (no images). */
  scores: Record<string, unknown>;
  /** The reference photo, fetched only when a moderator will see the check. */
  referencePhoto: Buffer | null;
  lockedUntil: Date | null;
  now: Date;
  clientIp: string;
}

/** What a video check is for: who owns it, whose face and failures it concerns, and what its result does. */
export interface CheckPurpose {
  owner: store.CheckOwner;
  /** The person of the reference photo (the registry's, by IIN) and of the failure count and lock (IIN and phone). */
  person: Person & { iin: string };
  /** The face to compare with; by default the registry photo of the person's IIN. */
  reference?(): Promise<ReferenceTemplate>;
  /** A live, good check that does not match (or lacks active evidence): a moderator decides (`review`), or it fails. */
  unmatched: 'review' | 'fail';
  /** Throws when the owner may not be checked now (before any work). */
  ready(): void;
  /** In the issue and result transactions: holds the owner's row until commit and checks it again. */
  lockOwner(trx: Tx): Promise<void>;
  /** In the issue transaction, after the check is recorded. */
  issued?(trx: Tx, checkId: string, clientIp: string): Promise<void>;
  /** In the result transaction: what the outcome does (profile, case and SMS; the session's assurance) and its audit event. */
  conclude(trx: Tx, judged: JudgedCheck): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFERENCE_CACHE_SIZE = 1000;
/** Seconds a client is asked to wait when the engine queue is full. */
const BUSY_RETRY_AFTER_SECONDS = 5;

function isJpeg(b: Buffer): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

export class VideoCheckService {
  private readonly setting: ChallengeSetting;
  // Reference templates computed from photos (when the registry holds none), or why a photo is unusable, by IIN.
  private readonly references = new Map<string, ReferenceTemplate>();

  constructor(
    private readonly ctx: AppContext,
    private readonly pool: EnginePool,
    private readonly locks: VideoCheckLocks,
  ) {
    this.setting = parseChallengeSetting(ctx.config.videoCheck.challenges);
  }

  private get vc() {
    return this.ctx.config.videoCheck;
  }

  /**
   * One open check per owner: a new one voids the unsubmitted one; none while one is being analysed.
   * Issued checks (abandoned ones too) are limited per owner and per IP.
   */
  async issue(purpose: CheckPurpose, meta: { clientIp: string }): Promise<VideoCheckIssued> {
    const now = new Date();
    purpose.ready();
    await this.locks.assertNotLocked(this.ctx.db, purpose.person, now);
    const challenges = drawChallenges(this.setting, this.vc.challengeCount, (n) => randomInt(n));
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + this.vc.checkTtlSeconds * 1000);
    const { perRegistration, perIp, windowSeconds } = this.vc.issueLimit;
    await this.ctx.db.transaction().execute(async (trx) => {
      // The owner's row lock serialises its issues, so its limit cannot be raced; the per-IP count may
      // overshoot by the requests in flight (as the OTP send limit).
      await purpose.lockOwner(trx);
      if (await store.hasCheckInFlight(trx, purpose.owner, now)) throw new AppError('VIDEO_CHECK_IN_PROGRESS');
      const issued = await store.countIssuedSince(trx, purpose.owner, meta.clientIp, new Date(now.getTime() - windowSeconds * 1000));
      const retryAfter = limitRetryAfter(
        [
          { used: issued.owner, limit: perRegistration },
          { used: issued.ip, limit: perIp },
        ],
        windowSeconds,
        now,
      );
      if (retryAfter !== null) throw new AppError('VIDEO_CHECK_ISSUE_LIMIT', { retryAfter }, { 'retry-after': String(retryAfter) });
      await store.abandonPendingChecks(trx, purpose.owner);
      await store.insertVideoCheck(trx, { id, owner: purpose.owner, challenges, clientIp: meta.clientIp, now, expiresAt });
      await purpose.issued?.(trx, id, meta.clientIp);
    });
    // Models load in the background while the citizen follows the challenges.
    void this.pool.start().catch(() => undefined);
    const { minFrames, maxFrames, maxFrameBytes, fps } = this.vc.capture;
    const capture = { minFrames, maxFrames, maxFrameBytes, fps, challengeWindowMs: this.vc.liveness.challengeWindowMs, passiveMs: Math.round(this.vc.capture.passiveSeconds * 1000) };
    return { checkId: id, challenges, expiresAt: expiresAt.toISOString(), capture };
  }

  /** Structural checks of a submission before any work: frame count, JPEG bytes, timestamps. */
  validateSubmission(frames: Buffer[], timestamps: unknown): number[] {
    const { minFrames, maxFrames } = this.vc.capture;
    if (frames.length > maxFrames) throw new AppError('TOO_MANY_FRAMES', { maxFrames });
    if (frames.length < minFrames) throw new AppError('TOO_FEW_FRAMES', { minFrames });
    frames.forEach((f, index) => {
      if (!isJpeg(f)) throw new AppError('FRAME_NOT_JPEG', { index });
    });
    if (!Array.isArray(timestamps) || timestamps.length !== frames.length || !timestamps.every((t) => typeof t === 'number' && Number.isFinite(t))) {
      throw new AppError('INVALID_TIMESTAMPS');
    }
    return timestamps as number[];
  }

  async submit(purpose: CheckPurpose, checkId: string, frames: Buffer[], timestamps: number[], meta: { clientIp: string }): Promise<VideoCheckResult> {
    const now = new Date();
    purpose.ready();
    const check = UUID.test(checkId) ? await store.findVideoCheck(this.ctx.db, checkId, purpose.owner) : null;
    if (!check) throw new AppError('VIDEO_CHECK_NOT_FOUND');
    if (check.status === 'abandoned' && check.expires_at > now) throw new AppError('VIDEO_CHECK_SUPERSEDED');
    if (check.status !== 'pending' && check.status !== 'abandoned') throw new AppError('VIDEO_CHECK_USED');
    if (check.expires_at <= now) throw new AppError('VIDEO_CHECK_EXPIRED');
    if (!this.pool.admit(frames.length)) {
      throw new AppError('VIDEO_CHECK_BUSY', { retryAfter: BUSY_RETRY_AFTER_SECONDS }, { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) });
    }
    // Admission and claim under the person's row locks: checks in flight count as failures in advance.
    await this.ctx.db.transaction().execute(async (trx) => {
      await this.locks.admit(trx, purpose.person, now);
      if (!(await store.claimVideoCheck(trx, check.id, now))) throw new AppError('VIDEO_CHECK_USED');
    });

    let analysis: CheckAnalysis;
    try {
      analysis = await analyzeCheck(this.pool, this.vc, {
        frames,
        timestamps,
        challenges: check.challenges,
        reference: purpose.reference ?? (() => this.referenceTemplate(purpose.person.iin)),
      });
    } catch (err) {
      // Nothing was judged: the check can be submitted again.
      await store.releaseVideoCheck(this.ctx.db, check.id);
      if (err instanceof EngineError && err.kind === 'invalid_image') throw new AppError('INVALID_FRAME', { index: err.frameIndex ?? null });
      if (err instanceof EngineError) {
        this.ctx.logger.warn({ kind: err.kind }, 'video check could not be analysed');
        throw new AppError('VIDEO_CHECK_UNAVAILABLE');
      }
      throw err;
    }
    try {
      return await this.conclude(purpose, check.id, check.challenges, frames, analysis, meta);
    } catch (err) {
      // Nothing was recorded: the check must not stay "in flight" and hold back the person's attempts.
      await store.releaseVideoCheck(this.ctx.db, check.id).catch(() => undefined);
      throw err;
    }
  }

  private async conclude(
    purpose: CheckPurpose,
    checkId: string,
    challenges: Challenge[],
    frames: Buffer[],
    analysis: CheckAnalysis,
    meta: { clientIp: string },
  ): Promise<VideoCheckResult> {
    const { judgement, similarity } = analysis;
    const vc = this.vc;
    const unmatched = goesToReview(judgement, similarity, vc.matchThreshold);
    // The reference photo goes into the evidence only when a moderator will look at it.
    const referencePhoto = unmatched && purpose.unmatched === 'review' ? await this.ctx.registry.getReferencePhoto(purpose.person.iin) : null;
    const scores = {
      similarity,
      matchThreshold: vc.matchThreshold,
      passiveScore: round(judgement.passiveScore),
      activeScore: round(judgement.activeScore),
      livenessScore: round(judgement.livenessScore),
      goodFrames: judgement.goodFrames.length,
      frames: frames.length,
      ...(analysis.referenceSource ? { referenceSource: analysis.referenceSource } : {}),
      // Why the reference photo was not compared, with what the engine measured on it.
      ...(analysis.reference ? { reference: analysis.reference } : {}),
    };
    const now = new Date();
    return this.ctx.db.transaction().execute(async (trx) => {
      await purpose.lockOwner(trx);
      // The person's failure count and lock, held until commit: concurrent results are counted one by one.
      const held = await this.locks.hold(trx, purpose.person, now);
      const decision = decideOutcome(judgement, similarity, {
        matchThreshold: vc.matchThreshold,
        failedBefore: held.current.failedChecks,
        maxFailedChecks: vc.maxFailedChecks,
        unmatched: purpose.unmatched,
      });
      const lock = await this.locks.record(trx, held, decision.failed, now);
      const caseReasons = reviewReasons(judgement, similarity, analysis.reference, vc.matchThreshold);
      const reasons =
        purpose.unmatched === 'review'
          ? citizenReasons(decision.outcome, judgement.reasons)
          : stepUpReasons(decision.outcome, judgement.reasons, decision.failed && unmatched ? caseReasons : []);
      await store.completeVideoCheck(trx, checkId, {
        outcome: decision.outcome,
        reasons: decision.outcome === 'UNDER_REVIEW' ? caseReasons : reasons,
        similarity,
        livenessScore: judgement.livenessScore,
        trace: { challenges, challengeTrace: judgement.challengeTrace, scores, liveness: judgement.evidence, frameProblems: judgement.frameProblems },
        now,
      });
      await purpose.conclude(trx, {
        checkId,
        challenges,
        frames,
        analysis,
        outcome: decision.outcome,
        reasons,
        caseReasons,
        scores,
        referencePhoto,
        lockedUntil: lock.lockedUntil,
        now,
        clientIp: meta.clientIp,
      });
      const result: VideoCheckResult = { outcome: decision.outcome, reasons, attemptsLeft: lock.attemptsLeft };
      if (decision.outcome === 'LOCKED' && lock.lockedUntil) result.lockedUntil = lock.lockedUntil.toISOString();
      return result;
    });
  }

  /**
   * The registry's stored template of this pipeline version, or one computed from the reference photo
   * (then stored, or cached); an unusable photo (no face, too small, blurred) is reported, not scored.
   */
  async referenceTemplate(iin: string): Promise<ReferenceTemplate> {
    const stored = await this.ctx.registry.getReferenceDescriptor(iin, FACE_PIPELINE.version);
    if (stored) return { template: stored };
    const cached = this.references.get(iin);
    if (cached) return cached;
    const photo = await this.ctx.registry.getReferencePhoto(iin);
    const reference: ReferenceTemplate = photo ? assessReference(await this.pool.run({ type: 'describePhoto', jpeg: photo })) : { template: null, problems: ['NO_FACE'], measures: null };
    // A registry that keeps templates (embedded: encrypted, with its version) computes each photo's once,
    // as on import; otherwise (or if keeping it failed) it is cached here.
    if (reference.template) {
      const template = Float32Array.from(reference.template);
      const kept = await this.ctx.registry.keepReferenceDescriptor(iin, template, FACE_PIPELINE.version).catch((err: unknown) => {
        this.ctx.logger.warn({ err: { message: String((err as Error)?.message) } }, 'could not store the reference descriptor');
        return false;
      });
      if (kept) return { template };
    }
    if (this.references.size >= REFERENCE_CACHE_SIZE) this.references.delete(this.references.keys().next().value!);
    this.references.set(iin, reference);
    return reference;
  }
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
