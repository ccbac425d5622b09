import { defineErrors } from '../platform/errors/app-error.js';

export const iinErrors = defineErrors({
  IIN_FORMAT: {
    status: 422,
    message: {
      kk: 'ЖСН 12 цифрдан тұруы керек.',
      ru: 'ИИН должен состоять из 12 цифр.',
      en: 'The IIN must be exactly 12 digits.',
    },
  },
  IIN_CHECKSUM: {
    status: 422,
    message: {
      kk: 'ЖСН-да қате бар: бақылау саны сәйкес келмейді. Цифрларды тексеріңіз.',
      ru: 'В ИИН ошибка: не сходится контрольная цифра. Проверьте цифры.',
      en: 'The IIN has a typo: its check digit does not match. Please check the digits.',
    },
  },
  IIN_DATE: {
    status: 422,
    message: {
      kk: 'ЖСН-дағы туған күні немесе ғасыр/жыныс цифры дұрыс емес.',
      ru: 'В ИИН неверная дата рождения или цифра века/пола.',
      en: 'The IIN contains an invalid birth date or century/sex digit.',
    },
  },
});
