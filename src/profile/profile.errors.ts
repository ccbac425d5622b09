import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const profileErrors = defineErrors({
  PHONE_UNCHANGED: {
    status: 422,
    message: {
      kk: 'Бұл нөмір Digital ID-ге бұрыннан тіркелген. Жаңа нөмірді енгізіңіз.',
      ru: 'Этот номер уже указан в вашем Digital ID. Введите новый номер.',
      en: 'This number is already the one of your Digital ID. Enter the new number.',
    },
  },
  // One Digital ID per phone: at the IIN step (attemptsLeft: the registration's lookups), at a change of
  // phone, and when a registration completes. A number the operator gave to someone new may still be an
  // older Digital ID's: the support centre sorts that out.
  PHONE_IN_USE: withDetails<{ attemptsLeft: number } | undefined>()({
    status: 409,
    message: {
      kk: 'Бұл нөмір басқа Digital ID-де қолданылады. Өзіңіздің басқа нөміріңізді пайдаланыңыз немесе бұл нөмір енді сіздікі болса, қолдау орталығына жүгініңіз.',
      ru: 'Этот номер уже используется в другом Digital ID. Укажите другой свой номер или, если этот номер теперь ваш, обратитесь в центр поддержки.',
      en: 'This number is already used by another Digital ID. Use another number of yours or, if this number is now yours, contact the support centre.',
    },
  }),
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
