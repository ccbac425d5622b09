import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const biometricsErrors = defineErrors({
  VIDEO_CHECK_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Бейнетексеру табылмады. Жаңасын бастаңыз.',
      ru: 'Видеопроверка не найдена. Начните новую.',
      en: 'Video check not found. Please start a new one.',
    },
  },
  VIDEO_CHECK_USED: {
    status: 409,
    message: {
      kk: 'Бұл бейнетексеру бұрын қолданылған. Жаңасын бастаңыз.',
      ru: 'Эта видеопроверка уже использована. Начните новую.',
      en: 'This video check has already been used. Please start a new one.',
    },
  },
  VIDEO_CHECK_EXPIRED: {
    status: 409,
    message: {
      kk: 'Бейнетексеру уақыты өтті. Жаңасын бастаңыз.',
      ru: 'Время видеопроверки истекло. Начните новую.',
      en: 'The video check has expired. Please start a new one.',
    },
  },
  VIDEO_CHECK_SUPERSEDED: {
    status: 409,
    message: {
      kk: 'Жаңа бейнетексеру басталды, бұл тексеру жарамсыз. Соңғысын жіберіңіз.',
      ru: 'Начата новая видеопроверка, эта больше недействительна. Отправьте последнюю.',
      en: 'A newer video check was started, so this one is void. Please submit the latest one.',
    },
  },
  VIDEO_CHECK_IN_PROGRESS: {
    status: 409,
    message: {
      kk: 'Алдыңғы бейнетексеру әлі тексерілуде. Нәтижесін күтіңіз.',
      ru: 'Предыдущая видеопроверка ещё анализируется. Дождитесь её результата.',
      en: 'Your previous video check is still being analysed. Please wait for its result.',
    },
  },
  VIDEO_CHECK_ISSUE_LIMIT: withDetails<{ retryAfter: number }>()({
    status: 429,
    message: {
      kk: 'Бейнетексеру тым жиі басталды. {retryAfter} секундтан кейін қайталаңыз.',
      ru: 'Видеопроверка запускалась слишком часто. Повторите через {retryAfter} с.',
      en: 'Too many video checks were started. Please try again in {retryAfter} s.',
    },
  }),
  VIDEO_CHECK_BUSY: withDetails<{ retryAfter: number }>()({
    status: 503,
    message: {
      kk: 'Бейнетексеру қызметі қазір бос емес. {retryAfter} секундтан кейін қайталаңыз.',
      ru: 'Сервис видеопроверки сейчас загружен. Повторите через {retryAfter} с.',
      en: 'The video check service is busy. Please try again in {retryAfter} s.',
    },
  }),
  VIDEO_CHECK_UNAVAILABLE: {
    status: 503,
    message: {
      kk: 'Бейнетексеру уақытша қолжетімсіз. Кейінірек қайталаңыз.',
      ru: 'Видеопроверка временно недоступна. Повторите позже.',
      en: 'The video check is temporarily unavailable. Please try again later.',
    },
  },
  FRAME_NOT_JPEG: withDetails<{ index: number }>()({
    status: 415,
    message: {
      kk: '{index}-кадр JPEG емес.',
      ru: 'Кадр {index} не в формате JPEG.',
      en: 'Frame {index} is not a JPEG image.',
    },
  }),
  INVALID_FRAME: withDetails<{ index: number | null }>()({
    status: 400,
    message: {
      kk: '{index}-кадрды оқу мүмкін емес.',
      ru: 'Кадр {index} не удалось прочитать.',
      en: 'Frame {index} could not be read.',
    },
  }),
  FRAME_TOO_LARGE: withDetails<{ maxFrameBytes: number }>()({
    status: 413,
    message: {
      kk: 'Кадр тым үлкен (ең көбі {maxFrameBytes} байт).',
      ru: 'Кадр слишком большой (не более {maxFrameBytes} байт).',
      en: 'A frame is too large (at most {maxFrameBytes} bytes).',
    },
  }),
  TOO_MANY_FRAMES: withDetails<{ maxFrames: number }>()({
    status: 413,
    message: {
      kk: 'Кадрлар тым көп (ең көбі {maxFrames}).',
      ru: 'Слишком много кадров (не более {maxFrames}).',
      en: 'Too many frames (at most {maxFrames}).',
    },
  }),
  TOO_FEW_FRAMES: withDetails<{ minFrames: number }>()({
    status: 400,
    message: {
      kk: 'Кадрлар тым аз (кемінде {minFrames}).',
      ru: 'Слишком мало кадров (не менее {minFrames}).',
      en: 'Too few frames (at least {minFrames}).',
    },
  }),
  INVALID_TIMESTAMPS: {
    status: 400,
    message: {
      kk: 'timestamps өрісі кадрлар санындай сандар JSON-массиві болуы керек.',
      ru: 'Поле timestamps должно быть JSON-массивом чисел по числу кадров.',
      en: 'The timestamps field must be a JSON array of numbers, one per frame.',
    },
  },
});
