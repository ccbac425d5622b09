import { defineErrors } from '../platform/errors/app-error.js';

export const phoneErrors = defineErrors({
  PHONE_INVALID: {
    status: 422,
    message: {
      kk: 'Қазақстандық ұялы телефон нөмірін енгізіңіз: +7 7XX XXX XX XX.',
      ru: 'Введите номер мобильного телефона Казахстана: +7 7XX XXX XX XX.',
      en: 'Enter a Kazakhstan mobile number: +7 7XX XXX XX XX.',
    },
  },
});
