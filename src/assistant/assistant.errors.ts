import { defineErrors, withDetails } from '../platform/errors/app-error.js';

export const assistantErrors = defineErrors({
  TICKET_NOT_FOUND: {
    status: 404,
    message: { kk: 'Өтінім табылмады.', ru: 'Заявка не найдена.', en: 'Request not found.' },
  },
  TICKET_NOT_NEEDED: {
    status: 409,
    message: {
      kk: 'Бұл нөмір Мобильді азаматтар базасында ЖСН-іңізге байланыстырылған: өтінім қажет емес.',
      ru: 'Этот номер уже привязан к вашему ИИН в Базе мобильных граждан: заявка не нужна.',
      en: 'This number is already linked to your IIN in the Mobile Citizens Database: no request is needed.',
    },
  },
  TICKET_PHONE_NOT_PROVEN: {
    status: 409,
    message: {
      kk: 'Алдымен телефон нөміріңізді SMS кодымен растаңыз.',
      ru: 'Сначала подтвердите номер телефона кодом из SMS.',
      en: 'Please confirm your phone number with the SMS code first.',
    },
  },
  TICKET_IIN_NOT_CHECKED: {
    status: 409,
    message: {
      kk: 'Өтінімді тек ЖСН қадамында БМГ тексеруінен өтпеген ЖСН үшін ашуға болады. Алдымен ЖСН-ды сол қадамда енгізіңіз.',
      ru: 'Заявку можно подать только на ИИН, который не прошёл проверку БМГ на шаге ИИН. Сначала введите ИИН на этом шаге.',
      en: 'A request can only name the IIN that failed the BMG check at the IIN step. Please enter the IIN at that step first.',
    },
  },
  TICKET_ALREADY_CLOSED: {
    status: 409,
    message: {
      kk: 'Бұл өтінім бойынша шешім қабылданып қойған.',
      ru: 'По этой заявке уже принято решение.',
      en: 'This request has already been decided.',
    },
  },
  TICKET_CLAIMED_BY_OTHER: withDetails<{ claimedBy: string }>()({
    status: 409,
    message: {
      kk: 'Бұл өтініммен басқа оператор жұмыс істеп жатыр ({claimedBy}).',
      ru: 'С этой заявкой работает другой оператор ({claimedBy}).',
      en: 'Another operator is working on this request ({claimedBy}).',
    },
  }),
  TICKET_CHECKLIST_INCOMPLETE: withDetails<{ missing: string[] }>()({
    status: 422,
    message: {
      kk: 'БМГ-ны жаңарту алдында тексеру парағының барлық тармақтарын белгілеңіз.',
      ru: 'Перед обновлением БМГ отметьте все пункты проверочного листа.',
      en: 'Tick every item of the verification checklist before updating BMG.',
    },
  }),
  TICKET_NOTE_REQUIRED: {
    status: 422,
    message: {
      kk: 'Бас тарту себебін жазыңыз.',
      ru: 'Укажите причину отказа.',
      en: 'Please write why the request is declined.',
    },
  },
});
