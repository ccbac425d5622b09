import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const oidcErrors = defineErrors({
  // details: which field of the service's registration is wrong and how
  OIDC_CLIENT_INVALID: withDetails<{ field: string; problem: string }>()({
    status: 422,
    message: {
      kk: 'Қызмет деректері дұрыс емес: {field} ({problem}).',
      ru: 'Данные сервиса неверны: {field} ({problem}).',
      en: 'The service registration is invalid: {field} ({problem}).',
    },
  }),
  OIDC_CLIENT_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Мұндай қызмет жоқ.',
      ru: 'Такого сервиса нет.',
      en: 'There is no such service.',
    },
  },
  OIDC_GRANT_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Бұл қызметке рұқсат берілмеген немесе ол бұрын қайтарып алынған.',
      ru: 'Этому сервису доступ не давался или уже отозван.',
      en: 'This service has no access, or it was already revoked.',
    },
  },
  INTERACTION_NOT_FOUND: {
    status: 404,
    message: {
      kk: 'Кіру сұрауы табылмады немесе оның мерзімі өтті. Қызметке қайта оралып, қайталаңыз.',
      ru: 'Запрос входа не найден или истёк. Вернитесь в сервис и начните заново.',
      en: 'This sign-in request was not found or has expired. Go back to the service and start again.',
    },
  },
  // details.expected: the step the request is at ('login' or 'consent')
  INTERACTION_WRONG_STEP: withDetails<{ expected: string }>()({
    status: 409,
    message: {
      kk: 'Кіру сұрауы басқа қадамда. Бетті жаңартыңыз.',
      ru: 'Запрос входа находится на другом шаге. Обновите страницу.',
      en: 'This sign-in request is at another step. Reload the page.',
    },
  }),
  OIDC_SCOPE_NOT_REQUESTED: withDetails<{ scope: string }>()({
    status: 422,
    message: {
      kk: 'Қызмет «{scope}» рұқсатын сұраған жоқ.',
      ru: 'Сервис не запрашивал доступ «{scope}».',
      en: 'The service did not ask for "{scope}".',
    },
  }),
  REAUTHENTICATION_REQUIRED: {
    status: 401,
    message: {
      kk: 'Қызмет қайта кіруді сұрайды: SMS кодымен қайта кіріңіз.',
      ru: 'Сервис просит войти заново: войдите ещё раз с кодом из SMS.',
      en: 'The service asks you to sign in again: sign in once more with an SMS code.',
    },
  },
});
