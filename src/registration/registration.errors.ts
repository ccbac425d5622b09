import { defineErrors, withDetails } from '../platform/errors/app-error.js';

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
  REGISTRATION_FINISHED: withDetails<{ state: string }>()({
    status: 409,
    message: {
      kk: 'Бұл тіркеу аяқталған ({state}). Қажет болса, жаңасын бастаңыз.',
      ru: 'Эта регистрация уже завершена ({state}). При необходимости начните новую.',
      en: 'This registration has already ended ({state}). Start a new one if you need to.',
    },
  }),
  IIN_ATTEMPTS_EXCEEDED: {
    status: 429,
    message: {
      kk: 'ЖСН тым көп рет енгізілді, бұл тіркеу тоқтатылды. ЖСН-ды жеке куәлігіңізден тексеріп, тіркеуді қайта бастаңыз немесе ХҚКО-ға жүгініңіз.',
      ru: 'ИИН вводился слишком много раз, эта регистрация завершена. Сверьте ИИН с удостоверением личности и начните регистрацию заново или обратитесь в ЦОН.',
      en: 'The IIN was entered too many times, so this registration has ended. Check the IIN on your identity card and start again, or visit a service centre.',
    },
  },
  IIN_ATTEMPT_LIMIT: withDetails<{ retryAfter: number }>()({
    status: 429,
    message: {
      kk: 'Бүгін ЖСН тым көп рет тексерілді. {retryAfter} секундтан кейін қайталаңыз немесе ХҚКО-ға жүгініңіз.',
      ru: 'Сегодня ИИН проверялся слишком много раз. Повторите через {retryAfter} с или обратитесь в ЦОН.',
      en: 'Too many IIN checks today. Please try again in {retryAfter} s or visit a service centre.',
    },
  }),
  INVALID_STATE: withDetails<{ state: string; expected?: string }>()({
    status: 409,
    message: {
      kk: 'Бұл қадам қазір қолжетімсіз (ағымдағы күй: {state}).',
      ru: 'Этот шаг сейчас недоступен (текущее состояние: {state}).',
      en: 'This step is not available now (current state: {state}).',
    },
  }),
  PERSON_NOT_FOUND: withDetails<{ attemptsLeft: number } | undefined>()({
    status: 404,
    message: {
      kk: 'Бұл ЖСН халық тізілімінде табылмады. Цифрларды тексеріңіз.',
      ru: 'Этот ИИН не найден в регистре населения. Проверьте цифры.',
      en: 'This IIN was not found in the population registry. Please check the digits.',
    },
  }),
  // attemptsLeft: the registration's IIN lookups left (absent for a change of phone, which has no such limit)
  BMG_PHONE_MISMATCH: withDetails<{ attemptsLeft?: number; assistant: true }>()({
    status: 409,
    message: {
      kk: 'Бұл телефон нөмірі Азаматтардың мобильді базасында (БМГ) осы ЖСН-ға тіркелмеген. Нөміріңізді БМГ-ға тіркеу үшін төменгі оң жақтағы жасыл «Виртуалды көмекші» батырмасын басыңыз немесе ХҚКО-ға жүгініңіз.',
      ru: 'Этот номер телефона не привязан к данному ИИН в Базе мобильных граждан (БМГ). Чтобы привязать номер, нажмите зелёную кнопку «Виртуальный помощник» справа внизу или обратитесь в ЦОН.',
      en: 'This phone number is not linked to this IIN in the Mobile Citizens Database (BMG). To link it, press the green "Virtual assistant" button at the bottom right or visit a service centre.',
    },
  }),
  ALREADY_REGISTERED: withDetails<{ attemptsLeft: number } | undefined>()({
    status: 409,
    message: {
      kk: 'Бұл ЖСН үшін Digital ID бұрыннан бар.',
      ru: 'Для этого ИИН уже есть Digital ID.',
      en: 'A Digital ID already exists for this IIN.',
    },
  }),
  REGISTRY_UNAVAILABLE: withDetails<{ reason: string }>()({
    status: 503,
    message: {
      kk: 'Мемлекеттік тізілім уақытша қолжетімсіз. Бірнеше минуттан кейін қайталаңыз.',
      ru: 'Государственный регистр временно недоступен. Повторите через несколько минут.',
      en: 'The state registry is temporarily unavailable. Please try again in a few minutes.',
    },
  }),
  LOCKED: withDetails<{ lockedUntil: string; attemptsLeft: number }>()({
    status: 423,
    message: {
      kk: 'Тым көп сәтсіз әрекет. {lockedUntil} дейін күтіңіз.',
      ru: 'Слишком много неудачных попыток. Подождите до {lockedUntil}.',
      en: 'Too many failed attempts. Please wait until {lockedUntil}.',
    },
  }),
});
