import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const sessionErrors = defineErrors({
  // details.reason: 'expired' or 'blocked' when a session the cookie named has just ended for that reason
  SESSION_REQUIRED: withDetails<{ reason: 'expired' | 'blocked' } | undefined>()({
    status: 401,
    message: {
      kk: 'Кіру қажет: сеанс жоқ немесе аяқталған.',
      ru: 'Нужно войти: сеанса нет или он завершён.',
      en: 'Please sign in: there is no session or it has ended.',
    },
  }),
  SESSION_CSRF_FAILED: {
    status: 403,
    message: {
      kk: 'Сұраныс қабылданбады: бетті жаңартып, қайталаңыз.',
      ru: 'Запрос отклонён: обновите страницу и повторите.',
      en: 'The request was refused: reload the page and try again.',
    },
  },
  SESSION_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Мұндай сеанс жоқ немесе ол аяқталған.',
      ru: 'Такого сеанса нет или он уже завершён.',
      en: 'There is no such session, or it has already ended.',
    },
  },
  SIGNIN_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Кіру табылмады. Нөміріңізді қайта енгізіңіз.',
      ru: 'Вход не найден. Введите номер ещё раз.',
      en: 'This sign-in was not found. Enter your number again.',
    },
  },
  SIGNIN_EXPIRED: {
    status: 410,
    message: {
      kk: 'Кіру мерзімі өтті немесе аяқталды. Нөміріңізді қайта енгізіңіз.',
      ru: 'Срок входа истёк или вход уже завершён. Введите номер ещё раз.',
      en: 'This sign-in has expired or is finished. Enter your number again.',
    },
  },
  DIGITAL_ID_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Бұл нөмірге Digital ID жоқ. Алдымен тіркеліңіз.',
      ru: 'На этот номер нет Digital ID. Сначала зарегистрируйтесь.',
      en: 'There is no Digital ID for this number. Register first.',
    },
  },
  DIGITAL_ID_BLOCKED: {
    status: 403,
    message: {
      kk: 'Digital ID бұғатталған. Ашу үшін қолдау қызметіне жүгініңіз.',
      ru: 'Digital ID заблокирован. Для разблокировки обратитесь в поддержку.',
      en: 'This Digital ID is blocked. Contact support to unblock it.',
    },
  },
  DIGITAL_ID_IIN_MISMATCH: {
    status: 422,
    message: {
      kk: 'ЖСН осы Digital ID-ге сәйкес келмейді.',
      ru: 'ИИН не совпадает с этим Digital ID.',
      en: 'The IIN does not match this Digital ID.',
    },
  },
  DIGITAL_ID_ALREADY_BLOCKED: {
    status: 409,
    message: {
      kk: 'Бұл Digital ID бұғатталған.',
      ru: 'Этот Digital ID уже заблокирован.',
      en: 'This Digital ID is already blocked.',
    },
  },
  DIGITAL_ID_NOT_BLOCKED: {
    status: 409,
    message: {
      kk: 'Бұл Digital ID бұғатталмаған.',
      ru: 'Этот Digital ID не заблокирован.',
      en: 'This Digital ID is not blocked.',
    },
  },
  DIGITAL_ID_QUERY_INVALID: {
    status: 422,
    message: {
      kk: '12 цифрлы ЖСН немесе Қазақстандағы ұялы телефон нөмірін енгізіңіз.',
      ru: 'Введите ИИН из 12 цифр или номер мобильного телефона Казахстана.',
      en: 'Enter a 12-digit IIN or a Kazakhstan mobile number.',
    },
  },
});
