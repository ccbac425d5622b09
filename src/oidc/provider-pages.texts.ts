// The texts of the pages oidc-provider itself renders (RP-initiated logout, signed out, errors) in kk, ru
// and en. {placeholders} are filled by provider-pages.ts. The OAuth error code stays the machine code a
// service's developers look up; the citizen reads the message of its family.
import type { Language } from '../platform/language.js';

export const PROVIDER_PAGE_TEXTS = {
  kk: {
    brand: 'Digital ID',
    support: 'Қолдау орталығы',
    opensNewTab: '(жаңа қойындыда ашылады)',
    logout: {
      title: 'Digital ID-ден шығу',
      question: 'Осы құрылғыда Digital ID-ден шығасыз ба?',
      fromClient: '«{client}» қызметі сізді шығарып жатыр. Осы құрылғыда Digital ID-ден де шығасыз ба?',
      text: 'Шықсаңыз, осы құрылғыда Digital ID арқылы кірген қызметтерге келесі жолы қайта кіресіз.',
      yes: 'Иә, шығу',
      no: 'Жоқ, кірген күйде қалу',
    },
    loggedOut: {
      title: 'Шықтыңыз',
      heading: 'Сіз шықтыңыз',
      all: 'Осы құрылғыда Digital ID-ден шықтыңыз.',
      client: '«{client}» қызметінен шықтыңыз. Digital ID-ге кірген күйде қалдыңыз.',
    },
    error: {
      title: 'Сұрау орындалмады',
      heading: 'Сұрауды орындау мүмкін болмады',
      code: 'Қате коды:',
      developers: 'Қызмет әзірлеушілеріне:',
    },
    formPost: {
      title: 'Қызметке оралу',
      noscript: 'Браузеріңізде JavaScript өшірулі: қызметке оралу үшін «Жалғастыру» түймесін басыңыз.',
      continue: 'Жалғастыру',
    },
    oauth: {
      invalid_request: 'Қызмет Digital ID қабылдай алмайтын сұрау жіберді. Қызметке оралып, қайталаңыз; қате қайталанса, қызметке хабарлаңыз.',
      invalid_redirect_uri: 'Қызмет сізді Digital ID-де тіркелмеген мекенжайға қайтаруды сұрады, сондықтан біз сізді онда жібермедік. Бұл қате туралы қызметке хабарлаңыз.',
      invalid_client: 'Бұл қызмет Digital ID-ге белгісіз немесе өшірілген.',
      unauthorized_client: 'Бұл қызметке мұндай сұрау жасауға рұқсат жоқ.',
      unsupported_response_type: 'Қызмет Digital ID ұсынбайтын кіру тәсілін сұрады.',
      invalid_scope: 'Қызмет алуға рұқсаты жоқ деректерді сұрады.',
      access_denied: 'Рұқсат берілмеді.',
      login_required: 'Алдымен Digital ID-ге кіру керек. Қызметке оралып, қайталаңыз.',
      session_expired: 'Бұл сұраудың мерзімі өтті немесе ол қолданылып қойған. Қызметке оралып, қайта бастаңыз.',
      server_error: 'Бізде бірдеңе дұрыс болмады. Бірнеше минуттан кейін қайталаңыз.',
    },
  },
  ru: {
    brand: 'Digital ID',
    support: 'Центр поддержки',
    opensNewTab: '(откроется в новой вкладке)',
    logout: {
      title: 'Выход из Digital ID',
      question: 'Выйти из Digital ID на этом устройстве?',
      fromClient: 'Сервис «{client}» завершает ваш вход. Выйти также из Digital ID на этом устройстве?',
      text: 'Если выйти, в сервисы, куда вы входили через Digital ID на этом устройстве, в следующий раз придётся войти заново.',
      yes: 'Да, выйти',
      no: 'Нет, остаться во входе',
    },
    loggedOut: {
      title: 'Вы вышли',
      heading: 'Вы вышли',
      all: 'Вы вышли из Digital ID на этом устройстве.',
      client: 'Вы вышли из сервиса «{client}». Вход в Digital ID сохранён.',
    },
    error: {
      title: 'Запрос не выполнен',
      heading: 'Запрос не удалось выполнить',
      code: 'Код ошибки:',
      developers: 'Для разработчиков сервиса:',
    },
    formPost: {
      title: 'Возвращение в сервис',
      noscript: 'В вашем браузере отключён JavaScript: нажмите «Продолжить», чтобы вернуться в сервис.',
      continue: 'Продолжить',
    },
    oauth: {
      invalid_request: 'Сервис отправил запрос, который Digital ID не может принять. Вернитесь в сервис и попробуйте снова; если ошибка повторится, сообщите сервису.',
      invalid_redirect_uri: 'Сервис попросил вернуть вас на адрес, не зарегистрированный в Digital ID, поэтому мы вас туда не отправили. Сообщите сервису об этой ошибке.',
      invalid_client: 'Этот сервис неизвестен Digital ID или отключён.',
      unauthorized_client: 'Этому сервису не разрешён такой запрос.',
      unsupported_response_type: 'Сервис запросил способ входа, которого Digital ID не предлагает.',
      invalid_scope: 'Сервис запросил данные, которые ему не разрешено получать.',
      access_denied: 'Доступ не разрешён.',
      login_required: 'Сначала нужно войти в Digital ID. Вернитесь в сервис и попробуйте снова.',
      session_expired: 'Этот запрос истёк или уже использован. Вернитесь в сервис и начните заново.',
      server_error: 'У нас что-то пошло не так. Попробуйте снова через несколько минут.',
    },
  },
  en: {
    brand: 'Digital ID',
    support: 'Support centre',
    opensNewTab: '(opens in a new tab)',
    logout: {
      title: 'Sign out of Digital ID',
      question: 'Sign out of Digital ID on this device?',
      fromClient: '{client} is signing you out. Do you also want to sign out of Digital ID on this device?',
      text: 'If you sign out, the services you entered with Digital ID on this device will ask you to sign in again next time.',
      yes: 'Yes, sign me out',
      no: 'No, stay signed in',
    },
    loggedOut: {
      title: 'Signed out',
      heading: 'You are signed out',
      all: 'You signed out of Digital ID on this device.',
      client: 'You signed out of {client}. You are still signed in to Digital ID.',
    },
    error: {
      title: 'The request failed',
      heading: 'The request could not be completed',
      code: 'Error code:',
      developers: 'For the service’s developers:',
    },
    formPost: {
      title: 'Returning to the service',
      noscript: 'JavaScript is off in your browser: press Continue to return to the service.',
      continue: 'Continue',
    },
    oauth: {
      invalid_request: 'The service sent a request Digital ID cannot accept. Go back to the service and try again; if it happens again, tell the service.',
      invalid_redirect_uri: 'The service asked to send you back to an address it has not registered with Digital ID, so we did not send you there. Tell the service about this error.',
      invalid_client: 'This service is not known to Digital ID, or it is disabled.',
      unauthorized_client: 'This service is not allowed to make this request.',
      unsupported_response_type: 'The service asked for a way of signing in that Digital ID does not offer.',
      invalid_scope: 'The service asked for data it is not allowed to receive.',
      access_denied: 'Access was not allowed.',
      login_required: 'You need to sign in to Digital ID first. Go back to the service and try again.',
      session_expired: 'This request has expired or was already used. Go back to the service and start again.',
      server_error: 'Something went wrong on our side. Try again in a few minutes.',
    },
  },
} as const satisfies Record<Language, unknown>;

export type ProviderPageTexts = (typeof PROVIDER_PAGE_TEXTS)[Language];
type OAuthMessage = keyof ProviderPageTexts['oauth'];

/** OAuth error codes (RFC 6749, OpenID Connect, PAR, JAR) → the message family the citizen reads. */
const MESSAGE_OF_CODE: Record<string, OAuthMessage> = {
  invalid_request: 'invalid_request',
  invalid_request_uri: 'invalid_request',
  invalid_request_object: 'invalid_request',
  request_not_supported: 'invalid_request',
  request_uri_not_supported: 'invalid_request',
  registration_not_supported: 'invalid_request',
  invalid_redirect_uri: 'invalid_redirect_uri',
  invalid_client: 'invalid_client',
  invalid_client_metadata: 'invalid_client',
  unauthorized_client: 'unauthorized_client',
  unsupported_response_type: 'unsupported_response_type',
  unsupported_response_mode: 'unsupported_response_type',
  unsupported_grant_type: 'unsupported_response_type',
  invalid_scope: 'invalid_scope',
  access_denied: 'access_denied',
  login_required: 'login_required',
  consent_required: 'login_required',
  interaction_required: 'login_required',
  account_selection_required: 'login_required',
  unmet_authentication_requirements: 'login_required',
  invalid_grant: 'session_expired',
  expired_token: 'session_expired',
  server_error: 'server_error',
  temporarily_unavailable: 'server_error',
};

/** The citizen's message for an OAuth error code; an unknown code reads as a server error. */
export function oauthErrorMessage(language: Language, code: string): string {
  return PROVIDER_PAGE_TEXTS[language].oauth[MESSAGE_OF_CODE[code] ?? 'server_error'];
}
