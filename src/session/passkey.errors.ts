import { defineErrors } from '../platform/errors/app-error.js';

export const passkeyErrors = defineErrors({
  // A wrong signature and an unknown credential get this same answer: it tells nothing about which passkeys exist.
  PASSKEY_NOT_RECOGNISED: {
    status: 401,
    message: {
      kk: 'Кіру кілті танылмады. Басқа кілтті таңдаңыз немесе SMS-кодпен кіріңіз.',
      ru: 'Ключ доступа не распознан. Выберите другой ключ или войдите по SMS-коду.',
      en: 'This passkey was not recognised. Choose another passkey or sign in with an SMS code.',
    },
  },
  PASSKEY_CHALLENGE_EXPIRED: {
    status: 410,
    message: {
      kk: 'Кіру кілтімен растау мерзімі өтті немесе ол қолданылған. Қайталаңыз.',
      ru: 'Время подтверждения ключом доступа истекло или оно уже использовано. Повторите.',
      en: 'The passkey request has expired or was already used. Try again.',
    },
  },
  PASSKEY_REGISTRATION_FAILED: {
    status: 400,
    message: {
      kk: 'Кіру кілтін қосу мүмкін болмады: құрылғы жауабы тексеруден өтпеді. Қайталаңыз.',
      ru: 'Не удалось добавить ключ доступа: ответ устройства не прошёл проверку. Повторите.',
      en: 'The passkey could not be added: the device’s answer did not pass the check. Try again.',
    },
  },
  PASSKEY_ALREADY_REGISTERED: {
    status: 409,
    message: {
      kk: 'Бұл кіру кілті бұрыннан қосылған.',
      ru: 'Этот ключ доступа уже добавлен.',
      en: 'This passkey has already been added.',
    },
  },
  PASSKEY_LIMIT_REACHED: {
    status: 409,
    message: {
      kk: 'Кіру кілттері тым көп. Жаңасын қосу үшін біреуін жойыңыз.',
      ru: 'Слишком много ключей доступа. Удалите один, чтобы добавить новый.',
      en: 'You have too many passkeys. Remove one to add a new one.',
    },
  },
  PASSKEY_NAME_INVALID: {
    status: 400,
    message: {
      kk: 'Кілт атауы 1–60 таңбадан тұруы керек.',
      ru: 'Название ключа должно содержать от 1 до 60 символов.',
      en: 'The passkey name must be 1 to 60 characters long.',
    },
  },
  PASSKEY_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Мұндай кіру кілті жоқ.',
      ru: 'Такого ключа доступа нет.',
      en: 'There is no such passkey.',
    },
  },
});
