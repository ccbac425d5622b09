import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const assuranceErrors = defineErrors({
  // The session's assurance is below what the action needs: the citizen confirms with their face first.
  STEP_UP_REQUIRED: withDetails<{ required: 'substantial' | 'high' }>()({
    status: 403,
    message: {
      kk: 'Бұл әрекет үшін жеке басыңызды бетіңізбен растаңыз.',
      ru: 'Для этого действия подтвердите личность по лицу.',
      en: 'Confirm your identity with your face to do this.',
    },
  }),
});
