import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const otpErrors = defineErrors({
  OTP_INVALID: withDetails<{ attemptsLeft: number }>()({
    status: 422,
    message: {
      kk: 'Код қате. Қалған әрекет саны: {attemptsLeft}.',
      ru: 'Неверный код. Осталось попыток: {attemptsLeft}.',
      en: 'Wrong code. Attempts left: {attemptsLeft}.',
    },
  }),
  OTP_EXPIRED: {
    status: 410,
    message: {
      kk: 'Кодтың мерзімі өтті. Жаңа код сұраңыз.',
      ru: 'Срок действия кода истёк. Запросите новый код.',
      en: 'The code has expired. Request a new one.',
    },
  },
  OTP_ATTEMPTS_EXCEEDED: {
    status: 429,
    message: {
      kk: 'Қате енгізу тым көп. Жаңа код сұраңыз.',
      ru: 'Слишком много неверных попыток. Запросите новый код.',
      en: 'Too many wrong attempts. Request a new code.',
    },
  },
  OTP_RESEND_TOO_EARLY: withDetails<{ retryAfter: number }>()({
    status: 429,
    message: {
      kk: 'Жаңа кодты {retryAfter} секундтан кейін сұрауға болады.',
      ru: 'Новый код можно запросить через {retryAfter} с.',
      en: 'You can request a new code in {retryAfter} s.',
    },
  }),
  OTP_SEND_LIMIT: withDetails<{ retryAfter: number }>()({
    status: 429,
    message: {
      kk: 'Кодтар тым көп сұралды. {retryAfter} секундтан кейін қайталаңыз.',
      ru: 'Запрошено слишком много кодов. Повторите через {retryAfter} с.',
      en: 'Too many codes requested. Try again in {retryAfter} s.',
    },
  }),
});
