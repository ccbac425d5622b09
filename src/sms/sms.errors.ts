import { defineErrors } from '../platform/errors/app-error.js';

export const smsErrors = defineErrors({
  SMS_CALLBACK_UNAUTHORIZED: {
    status: 401,
    message: {
      kk: 'SMS шлюзінің токені жоқ немесе жарамсыз.',
      ru: 'Токен SMS-шлюза отсутствует или недействителен.',
      en: 'The SMS gateway token is missing or invalid.',
    },
  },
});
