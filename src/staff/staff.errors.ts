import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const staffErrors = defineErrors({
  STAFF_UNAUTHENTICATED: {
    status: 401,
    message: {
      kk: 'Қызметкер ретінде кіріңіз.',
      ru: 'Войдите как сотрудник.',
      en: 'Please sign in as staff.',
    },
  },
  STAFF_SESSION_EXPIRED: {
    status: 401,
    message: {
      kk: 'Сессия әрекетсіздіктен аяқталды. Қайта кіріңіз.',
      ru: 'Сеанс завершён из-за бездействия. Войдите снова.',
      en: 'Your session ended after inactivity. Please sign in again.',
    },
  },
  STAFF_LOGIN_FAILED: {
    status: 401,
    message: {
      kk: 'Логин, құпиясөз немесе растау коды қате.',
      ru: 'Неверный логин, пароль или код подтверждения.',
      en: 'Wrong login, password or authenticator code.',
    },
  },
  STAFF_LOGIN_THROTTLED: withDetails<{ retryAfter: number }>()({
    status: 429,
    message: {
      kk: 'Кіру әрекеттері тым көп. {retryAfter} секундтан кейін қайталаңыз.',
      ru: 'Слишком много попыток входа. Повторите через {retryAfter} с.',
      en: 'Too many sign-in attempts. Try again in {retryAfter} s.',
    },
  }),
  STAFF_FORBIDDEN: {
    status: 403,
    message: {
      kk: 'Сіздің рөліңізге бұл әрекетке рұқсат жоқ.',
      ru: 'Вашей роли это действие недоступно.',
      en: 'Your role does not allow this action.',
    },
  },
  STAFF_CSRF_FAILED: {
    status: 403,
    message: {
      kk: 'Сұраныс расталмады (CSRF). Бетті жаңартыңыз.',
      ru: 'Запрос не подтверждён (CSRF). Обновите страницу.',
      en: 'The request could not be verified (CSRF). Please reload the page.',
    },
  },
  STAFF_PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    message: {
      kk: 'Алдымен бір реттік құпиясөзді өз құпиясөзіңізге ауыстырыңыз.',
      ru: 'Сначала замените одноразовый пароль своим.',
      en: 'Please replace the one-time password with your own first.',
    },
  },
  STAFF_PASSWORD_WEAK: {
    status: 400,
    message: {
      kk: 'Құпиясөз кемінде 12 таңбадан тұруы және алдыңғысынан өзгеше болуы керек.',
      ru: 'Пароль должен содержать не менее 12 символов и отличаться от прежнего.',
      en: 'The password must be at least 12 characters long and differ from the previous one.',
    },
  },
  STAFF_LOGIN_TAKEN: {
    status: 409,
    message: {
      kk: 'Бұл логин бос емес.',
      ru: 'Этот логин уже занят.',
      en: 'This login is already taken.',
    },
  },
});
