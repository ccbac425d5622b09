import { defineErrors } from '../platform/errors/app-error.js';

export const profileErrors = defineErrors({
  PHONE_UNCHANGED: {
    status: 422,
    message: {
      kk: 'Бұл нөмір Digital ID-ге бұрыннан тіркелген. Жаңа нөмірді енгізіңіз.',
      ru: 'Этот номер уже указан в вашем Digital ID. Введите новый номер.',
      en: 'This number is already the one of your Digital ID. Enter the new number.',
    },
  },
  PHONE_IN_USE: {
    status: 409,
    message: {
      kk: 'Бұл нөмір басқа Digital ID-де қолданылады.',
      ru: 'Этот номер уже используется в другом Digital ID.',
      en: 'This number is already used by another Digital ID.',
    },
  },
  PHONE_CHANGE_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Нөмірді ауыстыру табылмады. Жаңа нөмірді қайта енгізіңіз.',
      ru: 'Смена номера не найдена. Введите новый номер ещё раз.',
      en: 'This change of number was not found. Enter the new number again.',
    },
  },
  PHONE_CHANGE_EXPIRED: {
    status: 410,
    message: {
      kk: 'Нөмірді ауыстыру мерзімі өтті немесе аяқталды. Жаңа нөмірді қайта енгізіңіз.',
      ru: 'Срок смены номера истёк или она уже завершена. Введите новый номер ещё раз.',
      en: 'This change of number has expired or is finished. Enter the new number again.',
    },
  },
});
