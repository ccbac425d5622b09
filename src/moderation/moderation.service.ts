// The moderator's work on a video check whose face did not match: the queue, a claim so two
// moderators do not work on one case, the evidence (decrypted only for the view, audited), and a
// decision taken once. Approve completes the registration; reject ends it; either way one SMS.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import type { Language } from '../platform/config.js';
import type { Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskIin, maskPhone } from '../platform/masking.js';
import { appendAudit } from '../audit/audit.store.js';
import { completeRegistration, rejectRegistration } from '../registration/registration.service.js';
import { attachEnrolment, deleteEnrolment } from '../biometrics/face-enrolment.store.js';
import type { StaffPrincipal } from '../staff/staff.service.js';
import { isClaimActive, mayWorkOn } from '../staff/claim.rules.js';
import { DECISION_REASONS, evidenceDeleteAfter, isReasonFor, noteRequired, reasonText, secondsLeft, type Decision } from './moderation.rules.js';
import { readCaseEvidence, type CaseEvidenceView } from './moderation.evidence.js';
import * as store from './moderation-queue.store.js';
import * as cases from './moderation-case.store.js';

export const MAX_DECISION_NOTE = 1000;

export const REASON_LISTS = {
  approve: Object.keys(DECISION_REASONS.approve),
  reject: Object.keys(DECISION_REASONS.reject),
};

function describeCase(c: store.CaseWithContext, now: Date) {
  const claimActive = isClaimActive({ claimedBy: c.claimed_by, claimedAt: c.claimed_at }, now);
  return {
    id: c.id,
    registrationId: c.registration_id,
    status: c.status as store.CaseStatus,
    similarity: c.similarity,
    livenessScore: c.liveness_score,
    reasons: Array.isArray(c.reasons) ? (c.reasons as unknown[]).map(String) : [],
    createdAt: c.created_at.toISOString(),
    dueAt: c.due_at.toISOString(),
    secondsLeft: secondsLeft(c.due_at, now),
    claimedBy: claimActive ? c.claimed_by : null,
    decidedBy: c.decided_by,
    decidedAt: c.decided_at ? c.decided_at.toISOString() : null,
    decisionReason: c.decision_reason,
    decisionNote: c.decision_note,
    citizen: {
      maskedName: c.masked_name,
      phone: maskPhone(c.phone),
      iin: c.iin ? maskIin(c.iin) : null,
      language: c.language,
      registrationState: c.registration_state,
    },
  };
}

/** Locks the case for this transaction; it must be open and not held by another moderator's claim. */
async function lockOpenCaseFor(trx: Tx, id: string, staff: StaffPrincipal, now: Date) {
  const locked = await store.lockCase(trx, id);
  if (!locked) throw new AppError('MODERATION_CASE_NOT_FOUND');
  if (locked.status !== 'open') throw new AppError('CASE_ALREADY_DECIDED');
  if (!mayWorkOn({ claimedBy: locked.claimed_by, claimedAt: locked.claimed_at }, staff.login, now)) {
    throw new AppError('CASE_CLAIMED_BY_OTHER', { claimedBy: locked.claimed_by });
  }
  return locked;
}

export class ModerationService {
  constructor(private readonly ctx: AppContext) {}

  /** Opens a case for a video check that could not decide alone, its evidence encrypted, in the caller's transaction. */
  async openCase(trx: Tx, c: Omit<Parameters<typeof cases.insertModerationCase>[2], 'id'>): Promise<string> {
    const id = randomUUID();
    await cases.insertModerationCase(trx, this.ctx.config.encryptionKey, { ...c, id });
    return id;
  }

  /** Deletes the evidence whose retention is over: of decided cases, and of open ones opened before `abandonedBefore`. */
  async deleteDueEvidence(now: Date, abandonedBefore: Date): Promise<{ decided: number; abandonedCases: number }> {
    const decided = await cases.deleteExpiredEvidence(this.ctx.db, now);
    const abandonedCases = await cases.deleteAbandonedEvidence(this.ctx.db, abandonedBefore, now);
    return { decided, abandonedCases };
  }

  async queue(staff: StaffPrincipal, filter: { status: store.CaseStatus; claim: 'all' | 'mine' | 'unclaimed'; overdueOnly: boolean }) {
    const now = new Date();
    const rows = await store.listCases(this.ctx.db, { ...filter, staffLogin: staff.login, now, limit: 200 });
    return { cases: rows.map((r) => describeCase(r, now)), reasons: REASON_LISTS };
  }

  /** The case with its evidence, decrypted for this response only; every view is audited. */
  async view(staff: StaffPrincipal, id: string, clientIp: string) {
    const c = await store.findCaseWithContext(this.ctx.db, id);
    if (!c) throw new AppError('MODERATION_CASE_NOT_FOUND');
    const evidence: CaseEvidenceView | null = await readCaseEvidence(this.ctx, id);
    await appendAudit(this.ctx.db, {
      type: 'moderation.case_viewed',
      actor: staff.actor,
      registrationId: c.registration_id,
      subject: c.iin ? maskIin(c.iin) : maskPhone(c.phone),
      clientIp,
      details: { caseId: id, evidence: evidence !== null },
    });
    return {
      case: {
        ...describeCase(c, new Date()),
        evidence,
        evidenceDeleteAfter: c.evidence_delete_after ? c.evidence_delete_after.toISOString() : null,
        evidenceDeletedAt: c.evidence_deleted_at ? c.evidence_deleted_at.toISOString() : null,
      },
      reasons: REASON_LISTS,
    };
  }

  async claim(staff: StaffPrincipal, id: string, clientIp: string) {
    return this.changeClaim(staff, id, clientIp, 'claim');
  }

  async release(staff: StaffPrincipal, id: string, clientIp: string) {
    return this.changeClaim(staff, id, clientIp, 'release');
  }

  /**
   * The decision, once: concurrent or repeated decisions get 409. Registration state, case, SMS and
   * audit change in one transaction.
   */
  async decide(staff: StaffPrincipal, id: string, input: { decision: Decision; reason: string; note: string }, clientIp: string) {
    if (!isReasonFor(input.decision, input.reason)) throw new AppError('DECISION_REASON_INVALID', { allowed: REASON_LISTS[input.decision] });
    const note = input.note.trim().slice(0, MAX_DECISION_NOTE);
    if (noteRequired(input.reason) && note === '') throw new AppError('DECISION_NOTE_REQUIRED');
    const now = new Date();
    await this.ctx.db.transaction().execute(async (trx) => {
      const locked = await lockOpenCaseFor(trx, id, staff, now);
      const saved = await store.saveDecision(trx, id, {
        status: input.decision === 'approve' ? 'approved' : 'rejected',
        staffLogin: staff.login,
        reason: input.reason,
        note: note || null,
        now,
        evidenceDeleteAfter: evidenceDeleteAfter(now, this.ctx.config.videoCheck.evidenceRetentionDays),
      });
      if (!saved) throw new AppError('CASE_ALREADY_DECIDED');
      const c = (await store.findCaseWithContext(trx, id))!;
      const language = c.language as Language;
      if (input.decision === 'approve') {
        await completeRegistration(trx, c.registration_id, 'moderator');
        // The face the moderator accepted becomes the Digital ID's reference for its step-ups.
        await attachEnrolment(trx, c.registration_id);
        await this.ctx.sms.enqueue(trx, { phone: c.phone, language, purpose: 'moderation_approved', params: {} });
      } else {
        await rejectRegistration(trx, c.registration_id, input.reason, now);
        await deleteEnrolment(trx, c.registration_id);
        await this.ctx.sms.enqueue(trx, { phone: c.phone, language, purpose: 'moderation_rejected', params: { reason: reasonText('reject', input.reason, language) } });
      }
      await appendAudit(trx, {
        type: input.decision === 'approve' ? 'moderation.approved' : 'moderation.rejected',
        actor: staff.actor,
        registrationId: c.registration_id,
        subject: c.iin ? maskIin(c.iin) : maskPhone(c.phone),
        clientIp,
        details: { caseId: id, reason: input.reason, note: note !== '' },
      });
    });
    const decided = await store.findCaseWithContext(this.ctx.db, id);
    return { case: describeCase(decided!, new Date()) };
  }

  private async changeClaim(staff: StaffPrincipal, id: string, clientIp: string, action: 'claim' | 'release') {
    const now = new Date();
    await this.ctx.db.transaction().execute(async (trx) => {
      const locked = await lockOpenCaseFor(trx, id, staff, now);
      await store.setClaim(trx, id, action === 'claim' ? staff.login : null, action === 'claim' ? now : null);
      await appendAudit(trx, { type: `moderation.case_${action === 'claim' ? 'claimed' : 'released'}`, actor: staff.actor, registrationId: locked.registration_id, clientIp, details: { caseId: id } });
    });
    const c = await store.findCaseWithContext(this.ctx.db, id);
    return { case: describeCase(c!, now) };
  }
}
