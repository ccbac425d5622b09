// Rules of the moderator's decision: the reasons a moderator chooses from, and the review deadline.
import type { Language } from '../platform/config.js';

export type Decision = 'approve' | 'reject';

/**
 * Reasons from the list, per decision. A rejection's reason is also the citizen's SMS text, so every
 * one has a short kk/ru/en wording; the console shows the same labels.
 */
export const DECISION_REASONS = {
  approve: {
    same_person: { kk: 'бір адам', ru: 'тот же человек', en: 'same person' },
    registry_photo_outdated: { kk: 'тізілімдегі фото ескірген', ru: 'фото в регистре устарело', en: 'registry photo is outdated' },
    capture_quality: { kk: 'түсірілім сапасы нашар, бірақ сәйкес', ru: 'качество съёмки низкое, но совпадает', en: 'poor capture, but a match' },
    other: { kk: 'басқа', ru: 'другое', en: 'other' },
  },
  reject: {
    different_person: { kk: 'бейнедегі адам тізілімдегі фотоға сәйкес емес', ru: 'человек на видео не совпадает с фото в регистре', en: 'the person in the video does not match the registry photo' },
    presentation_attack: { kk: 'камераға фото немесе экран көрсетілді', ru: 'камере показали фото или экран', en: 'a photo or a screen was shown to the camera' },
    poor_quality: { kk: 'бет анық көрінбейді', ru: 'лицо плохо видно', en: 'the face could not be seen clearly' },
    challenge_not_performed: { kk: 'тапсырмалар орындалмады', ru: 'задания не выполнены', en: 'the requested movements were not performed' },
    other: { kk: 'тексеру сәтсіз аяқталды', ru: 'проверка не пройдена', en: 'the check was not passed' },
  },
} as const satisfies Record<Decision, Record<string, Record<Language, string>>>;

export type ApproveReason = keyof (typeof DECISION_REASONS)['approve'];
export type RejectReason = keyof (typeof DECISION_REASONS)['reject'];

export function isReasonFor(decision: Decision, reason: string): boolean {
  return Object.hasOwn(DECISION_REASONS[decision], reason);
}

export function reasonText(decision: Decision, reason: string, language: Language): string {
  const entry = (DECISION_REASONS[decision] as Record<string, Record<Language, string>>)[reason];
  return entry ? entry[language] : reason;
}

/** The review target: a case is decided within 24 hours of the video check. */
export const REVIEW_TARGET_HOURS = 24;

/** Seconds until the case's target (negative once overdue). */
export function secondsLeft(dueAt: Date, now: Date): number {
  return Math.floor((dueAt.getTime() - now.getTime()) / 1000);
}

/** Evidence is kept for the retention period after the decision, then deleted. */
export function evidenceDeleteAfter(decidedAt: Date, retentionDays: number): Date {
  return new Date(decidedAt.getTime() + retentionDays * 86_400_000);
}

/** A free-text note is required when the listed reason is "other". */
export function noteRequired(reason: string): boolean {
  return reason === 'other';
}
