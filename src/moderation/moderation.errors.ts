import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const moderationErrors = defineErrors({
  MODERATION_CASE_NOT_FOUND: {
    status: 404,
    message: { kk: 'Іс табылмады.', ru: 'Дело не найдено.', en: 'Case not found.' },
  },
  CASE_ALREADY_DECIDED: {
    status: 409,
    message: {
      kk: 'Бұл іс бойынша шешім қабылданып қойған.',
      ru: 'По этому делу уже принято решение.',
      en: 'This case has already been decided.',
    },
  },
  CASE_CLAIMED_BY_OTHER: withDetails<{ claimedBy: string | null }>()({
    status: 409,
    message: {
      kk: 'Бұл іспен басқа модератор жұмыс істеп жатыр ({claimedBy}).',
      ru: 'С этим делом работает другой модератор ({claimedBy}).',
      en: 'Another moderator is working on this case ({claimedBy}).',
    },
  }),
  DECISION_REASON_INVALID: withDetails<{ allowed: string[] }>()({
    status: 422,
    message: {
      kk: 'Себепті тізімнен таңдаңыз.',
      ru: 'Выберите причину из списка.',
      en: 'Choose a reason from the list.',
    },
  }),
  DECISION_NOTE_REQUIRED: {
    status: 422,
    message: {
      kk: '«Басқа» себебі үшін түсініктеме жазыңыз.',
      ru: 'Для причины «другое» напишите комментарий.',
      en: 'Write a note when the reason is "other".',
    },
  },
});
