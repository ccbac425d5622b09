import { defineErrors } from '../platform/errors/app-error.js';

export const registrationErrors = defineErrors({
  REGISTRATION_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Тіркеу табылмады. Басынан бастаңыз.',
      ru: 'Регистрация не найдена. Начните сначала.',
      en: 'Registration not found. Please start again.',
    },
  },
  REGISTRATION_EXPIRED: {
    status: 410,
    message: {
      kk: 'Тіркеу уақыты өтті (30 минут әрекетсіз). Басынан бастаңыз.',
      ru: 'Время регистрации истекло (30 минут без действий). Начните сначала.',
      en: 'The registration has expired (30 minutes idle). Please start again.',
    },
  },
  INVALID_STATE: {
    status: 409,
    message: {
      kk: 'Бұл қадам қазір қолжетімсіз (ағымдағы күй: {state}).',
      ru: 'Этот шаг сейчас недоступен (текущее состояние: {state}).',
      en: 'This step is not available now (current state: {state}).',
    },
  },
  PERSON_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Бұл ЖСН халық тізілімінде табылмады. Цифрларды тексеріңіз.',
      ru: 'Этот ИИН не найден в регистре населения. Проверьте цифры.',
      en: 'This IIN was not found in the population registry. Please check the digits.',
    },
  },
  BMG_PHONE_MISMATCH: {
    status: 409,
    message: {
      kk: 'Бұл телефон нөмірі Азаматтардың мобильді базасында (БМГ) осы ЖСН-ға тіркелмеген. Нөміріңізді БМГ-ға тіркеу үшін төменгі оң жақтағы жасыл «Виртуалды көмекші» батырмасын басыңыз немесе ХҚКО-ға жүгініңіз.',
      ru: 'Этот номер телефона не привязан к данному ИИН в Базе мобильных граждан (БМГ). Чтобы привязать номер, нажмите зелёную кнопку «Виртуальный помощник» справа внизу или обратитесь в ЦОН.',
      en: 'This phone number is not linked to this IIN in the Mobile Citizens Database (BMG). To link it, press the green "Virtual assistant" button at the bottom right or visit a service centre.',
    },
  },
  ALREADY_REGISTERED: {
    status: 409,
    message: {
      kk: 'Бұл ЖСН үшін Digital ID бұрыннан бар.',
      ru: 'Для этого ИИН уже есть Digital ID.',
      en: 'A Digital ID already exists for this IIN.',
    },
  },
  REGISTRY_UNAVAILABLE: {
    status: 503,
    message: {
      kk: 'Мемлекеттік тізілім уақытша қолжетімсіз. Бірнеше минуттан кейін қайталаңыз.',
      ru: 'Государственный регистр временно недоступен. Повторите через несколько минут.',
      en: 'The state registry is temporarily unavailable. Please try again in a few minutes.',
    },
  },
  LOCKED: {
    status: 423,
    message: {
      kk: 'Тым көп сәтсіз әрекет. {lockedUntil} дейін күтіңіз.',
      ru: 'Слишком много неудачных попыток. Подождите до {lockedUntil}.',
      en: 'Too many failed attempts. Please wait until {lockedUntil}.',
    },
  },
});
