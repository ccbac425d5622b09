import { defineErrors, withDetails } from './app-error.js';

export const platformErrors = defineErrors({
  VALIDATION_FAILED: withDetails<{ field?: string; reason: string }>()({
    status: 400,
    message: {
      kk: 'Сұраныс дұрыс толтырылмаған: {reason}',
      ru: 'Запрос заполнен неверно: {reason}',
      en: 'The request is not valid: {reason}',
    },
  }),
  BODY_TOO_LARGE: withDetails<{ reason: string } | undefined>()({
    status: 413,
    message: { kk: 'Сұраныс тым үлкен.', ru: 'Слишком большой запрос.', en: 'The request is too large.' },
  }),
  UNSUPPORTED_MEDIA_TYPE: withDetails<{ reason: string } | undefined>()({
    status: 415,
    message: {
      kk: 'Деректер пішімі қолдау көрсетілмейді.',
      ru: 'Формат данных не поддерживается.',
      en: 'This content type is not supported.',
    },
  }),
  MALFORMED_JSON: {
    status: 400,
    message: { kk: 'JSON қате құрылған.', ru: 'Некорректный JSON.', en: 'The JSON body is malformed.' },
  },
  NOT_FOUND: withDetails<{ reason: string } | undefined>()({
    status: 404,
    message: { kk: 'Табылмады.', ru: 'Не найдено.', en: 'Not found.' },
  }),
  UNAUTHORIZED: {
    status: 401,
    message: {
      kk: 'Рұқсат жоқ: тіркеу токені жоқ немесе жарамсыз.',
      ru: 'Нет доступа: токен регистрации отсутствует или недействителен.',
      en: 'Not authorised: the registration token is missing or invalid.',
    },
  },
  OPS_UNAUTHORIZED: {
    status: 401,
    message: {
      kk: 'Рұқсат жоқ: операциялық токен қажет.',
      ru: 'Нет доступа: нужен операционный токен.',
      en: 'Not authorised: the operations token is required.',
    },
  },
  RATE_LIMITED: withDetails<{ retryAfter: number }>()({
    status: 429,
    message: {
      kk: 'Сұраныстар тым көп. {retryAfter} секундтан кейін қайталаңыз.',
      ru: 'Слишком много запросов. Повторите через {retryAfter} с.',
      en: 'Too many requests. Try again in {retryAfter} s.',
    },
  }),
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: {
      kk: 'Қызмет уақытша қолжетімсіз. Кейінірек қайталаңыз.',
      ru: 'Сервис временно недоступен. Повторите позже.',
      en: 'The service is temporarily unavailable. Please try again later.',
    },
  },
  INTERNAL_ERROR: withDetails<{ reason: string } | undefined>()({
    status: 500,
    message: {
      kk: 'Ішкі қате. Кейінірек қайталаңыз.',
      ru: 'Внутренняя ошибка. Повторите позже.',
      en: 'Internal error. Please try again later.',
    },
  }),
});
