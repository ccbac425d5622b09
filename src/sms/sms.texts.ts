// The texts citizens receive, one template per purpose and language. {placeholders} come from the
// caller's params; {minutes} (the code's validity) is filled in by the SMS module from the config.
// OTP texts are kept within one UCS2 segment (70 characters) so a code never costs two SMS.
// A new SMS: add its purpose here; `enqueue` then takes exactly the params its placeholders name.
import type { Language } from '../platform/config.js';
import type { Placeholders } from '../platform/i18n.js';
import { AppError } from '../platform/errors/app-error.js';

export const SMS_TEXTS = {
  otp: {
    kk: 'Digital ID: код {code}. {minutes} мин жарамды. Ешкімге айтпаңыз.',
    ru: 'Digital ID: код {code}. Действует {minutes} мин. Никому не сообщайте.',
    en: 'Digital ID: your code {code}. Valid {minutes} min. Do not share it.',
  },
  video_check_under_review: {
    kk: 'Digital ID: бейнетексеруіңіз қаралуда. Нәтижесін SMS арқылы хабарлаймыз.',
    ru: 'Digital ID: ваша видеопроверка на рассмотрении. Результат сообщим по SMS.',
    en: 'Digital ID: your video check is under review. We will send you the result by SMS.',
  },
  video_check_passed: {
    kk: 'Digital ID: бейнетексеруден өттіңіз, цифрлық профиліңіз құрылды.',
    ru: 'Digital ID: видеопроверка пройдена, ваш цифровой профиль создан.',
    en: 'Digital ID: your video check passed and your digital profile is created.',
  },
  moderation_approved: {
    kk: 'Digital ID: жеке басыңыз расталды, цифрлық профиліңіз құрылды.',
    ru: 'Digital ID: личность подтверждена, ваш цифровой профиль создан.',
    en: 'Digital ID: your identity is confirmed and your digital profile is ready.',
  },
  moderation_rejected: {
    kk: 'Digital ID: тіркеу расталмады: {reason}. Қайта көріңіз немесе қолдау қызметіне жүгініңіз.',
    ru: 'Digital ID: регистрация не подтверждена: {reason}. Попробуйте снова или обратитесь в поддержку.',
    en: 'Digital ID: your registration was not approved: {reason}. Please try again or contact support.',
  },
  bmg_updated: {
    kk: 'Digital ID: нөміріңіз Мобильді азаматтар базасында ЖСН-ге байланыстырылды. Тіркеуді жалғастыра аласыз.',
    ru: 'Digital ID: номер привязан к вашему ИИН в Базе мобильных граждан. Можно продолжить регистрацию.',
    en: 'Digital ID: your number is now linked to your IIN in the Mobile Citizens Database. You can continue the registration.',
  },
  bmg_updated_phone_change: {
    kk: 'Digital ID: нөміріңіз Мобильді азаматтар базасында ЖСН-ге байланыстырылды. Енді профильде Digital ID нөмірін ауыстыра аласыз.',
    ru: 'Digital ID: номер привязан к вашему ИИН в Базе мобильных граждан. Теперь можно сменить номер Digital ID в профиле.',
    en: 'Digital ID: your number is now linked to your IIN in the Mobile Citizens Database. You can now change the number of your Digital ID in your profile.',
  },
  // Sign-in (src/session): the code, or — for a phone with no usable Digital ID — what to do instead.
  signin_code: {
    kk: 'Digital ID: кіру коды {code}. {minutes} мин жарамды. Ешкімге айтпаңыз.',
    ru: 'Digital ID: код входа {code}, {minutes} мин. Никому не сообщайте.',
    en: 'Digital ID: sign-in code {code}. Valid {minutes} min. Do not share it.',
  },
  signin_unregistered: {
    kk: 'Digital ID: бұл нөмірге Digital ID тіркелмеген. Тіркелу: {url}',
    ru: 'Digital ID: на этот номер нет Digital ID. Зарегистрируйтесь: {url}',
    en: 'Digital ID: this number has no Digital ID. Register at {url}',
  },
  signin_blocked: {
    kk: 'Digital ID: сіздің Digital ID бұғатталған. Ашу үшін жеке куәлігіңізбен ХҚКО-ға келіңіз.',
    ru: 'Digital ID: ваш Digital ID заблокирован. Для разблокировки обратитесь в ЦОН с удостоверением личности.',
    en: 'Digital ID: your Digital ID is blocked. To unblock it, visit a Public Service Centre (CON) with your ID document.',
  },
  // Unblocking is done at a Public Service Centre (CON / ЦОН / ХҚКО) after the identity document is
  // checked: the same words as the block and profile pages (web/src/account/texts.ts).
  digital_id_blocked: {
    kk: 'Digital ID: сіздің Digital ID бұғатталды, барлық сеанстар жабылды. Ашу үшін жеке куәлігіңізбен ХҚКО-ға келіңіз.',
    ru: 'Digital ID: ваш Digital ID заблокирован, все сеансы завершены. Для разблокировки обратитесь в ЦОН с удостоверением личности.',
    en: 'Digital ID: your Digital ID is blocked and every session has ended. To unblock it, visit a Public Service Centre (CON) with your ID document.',
  },
  // Change of phone (src/profile): the code to the new number, and a notice to the old one.
  phone_change_code: {
    kk: 'Digital ID: нөмір ауыстыру коды {code}, {minutes} мин. Ешкімге айтпаңыз.',
    ru: 'Digital ID: код смены номера {code}, {minutes} мин. Никому не сообщайте.',
    en: 'Digital ID: number change code {code}. Valid {minutes} min. Do not share it.',
  },
  // The old number cannot ask for a code any more (it is no longer the Digital ID's): the citizen blocks it
  // in a session still open or after a passkey sign-in, or through the support centre ({url}).
  phone_changed: {
    kk: 'Digital ID: нөміріңіз {phone} нөміріне ауыстырылды. Бұл сіз болмасаңыз, Digital ID-ді профильде дереу бұғаттаңыз немесе қолдау орталығына жүгініңіз: {url}',
    ru: 'Digital ID: номер вашего Digital ID изменён на {phone}. Если это были не вы, срочно заблокируйте Digital ID в профиле или обратитесь в центр поддержки: {url}',
    en: 'Digital ID: the number of your Digital ID was changed to {phone}. If this was not you, block your Digital ID at once in your profile or contact the support centre: {url}',
  },
  digital_id_unblocked: {
    kk: 'Digital ID: сіздің Digital ID қайта ашылды. Кіре аласыз.',
    ru: 'Digital ID: ваш Digital ID разблокирован. Можно войти.',
    en: 'Digital ID: your Digital ID is unblocked. You can sign in again.',
  },
} as const satisfies Record<string, Record<Language, string>>;

/** What an SMS is for: each purpose has a kk/ru/en text template above. */
export type SmsPurpose = keyof typeof SMS_TEXTS;
/** Placeholders the SMS module fills itself (the code's validity, from the config). */
type ModuleParams = 'minutes';
/** The params a purpose's caller gives: one string per placeholder of its texts (none: `{}`). */
export type SmsParams<P extends SmsPurpose> = [Exclude<Placeholders<(typeof SMS_TEXTS)[P][Language]>, ModuleParams>] extends [never]
  ? Record<string, never>
  : Record<Exclude<Placeholders<(typeof SMS_TEXTS)[P][Language]>, ModuleParams>, string>;

export const SMS_PURPOSES = Object.keys(SMS_TEXTS) as SmsPurpose[];

/** Longest value a placeholder may take: a parameter must never turn one SMS into many. */
const MAX_PARAM_LENGTH = 120;

/** Renders the text for `purpose` in `language`; every placeholder must be given. */
export function renderSms(purpose: SmsPurpose, language: Language, params: Record<string, string>): string {
  const template: string | undefined = SMS_TEXTS[purpose]?.[language];
  if (template === undefined) throw new AppError('INTERNAL_ERROR', { reason: `no SMS text for ${purpose}/${language}` });
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key];
    if (value === undefined) throw new AppError('INTERNAL_ERROR', { reason: `SMS ${purpose} needs {${key}}` });
    // Control characters would break the text (and the GSM alphabet); collapse whitespace.
    const clean = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
    return clean.length > MAX_PARAM_LENGTH ? `${clean.slice(0, MAX_PARAM_LENGTH - 1)}…` : clean;
  });
}

/** The stored text once the code has been handed on: digits runs of 4+ (codes) are starred out. */
export function redactCodes(body: string): string {
  return body.replace(/\d{4,}/g, (m) => '*'.repeat(m.length));
}
