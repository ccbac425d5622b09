// Opens a case's encrypted evidence for the moderator's view: the reference photo and the best frames
// as data URLs, the scores and the challenge trace. Nothing decrypted is stored or logged.
import type { AppContext } from '../app-context.js';
import { decrypt } from '../platform/crypto.js';
import { findEvidence } from './moderation-queue.store.js';
import { evidenceContext, type CaseEvidence } from './moderation-case.store.js';

/** As stored (moderation-case.store.ts), with the JPEGs turned into data URLs for <img>. */
export type CaseEvidenceView = CaseEvidence;

function jpegDataUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return value.startsWith('data:') ? value : `data:image/jpeg;base64,${value}`;
}

/** null when the evidence was deleted at the end of its retention period. */
export async function readCaseEvidence(ctx: AppContext, caseId: string): Promise<CaseEvidenceView | null> {
  const row = await findEvidence(ctx.db, caseId);
  if (!row || !row.evidence_encrypted || row.evidence_deleted_at) return null;
  const plain = JSON.parse(decrypt(ctx.config.encryptionKey, row.evidence_encrypted, evidenceContext(caseId)).toString('utf8')) as Record<string, any>;
  return {
    referencePhoto: jpegDataUrl(plain.referencePhoto),
    frames: (Array.isArray(plain.frames) ? plain.frames : []).map(jpegDataUrl).filter((f: string | null): f is string => f !== null),
    scores: typeof plain.scores === 'object' && plain.scores !== null ? plain.scores : {},
    challengeTrace: Array.isArray(plain.challengeTrace) ? plain.challengeTrace : Array.isArray(plain.trace) ? plain.trace : [],
  };
}
