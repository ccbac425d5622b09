// The texts of "Sign in with Digital ID" for other services (sign-in continuation, consent, the profile's
// services) in kk, ru and en, in their own i18next namespace "oidc" (pure data: browser tests read them too).
const en = {
  titles: { consent: 'Allow access', continue: 'Continue to the service' },
  continue: {
    to: 'Sign in to continue to {{client}}',
    working: 'Returning you to {{client}}…',
  },
  consent: {
    title: '{{client}} asks for access to your Digital ID',
    intro: 'If you allow it, the service will receive:',
    required: 'always',
    optionalHint: 'Untick what you do not want to share. The service may not work fully without it.',
    policy: 'Privacy policy of {{client}}',
    opensNewTab: '(opens in a new tab)',
    allow: 'Allow',
    deny: 'Deny',
    revokeLater: 'You can revoke this access at any time in your profile, under “Services”.',
    logo: 'Logo of {{client}}',
    working: 'Please wait…',
  },
  scopes: {
    openid: { title: 'That it is you', text: 'An identifier of your Digital ID for this service. No personal data.' },
    profile: { title: 'Your name and date of birth', text: 'Last name, first name, patronymic, date of birth and sex, from the population register.' },
    phone: { title: 'Your phone number', text: 'The phone number of your Digital ID, confirmed by SMS.' },
    iin: { title: 'Your IIN', text: 'Your individual identification number (12 digits).' },
    offline_access: { title: 'Access while you are away', text: 'The service stays connected after you leave it, until you revoke the access.' },
  },
  stepUp: {
    title: 'Confirm it is you with your face',
    text: '{{client}} asks for the highest level of confirmation. Confirm it is you with a short video of your face; then you continue to the service.',
    start: 'Confirm with my face',
  },
  services: {
    title: 'Services',
    intro: 'Services you allowed to see your data when you signed in with Digital ID. Revoke, and a service loses access at once: it must ask you again.',
    none: 'No service has access yet.',
    since: 'Allowed {{time}}',
    sees: 'May see:',
    policy: 'Privacy policy',
    revoke: 'Revoke access',
    revokeConfirm: 'Revoke the access of “{{name}}”? It will have to ask you again.',
    revoked: 'Access of “{{name}}” revoked.',
  },
};

export type OidcTexts = typeof en;

const ru: OidcTexts = {
  titles: { consent: 'Разрешение доступа', continue: 'Продолжение входа в сервис' },
  continue: {
    to: 'Войдите, чтобы продолжить в {{client}}',
    working: 'Возвращаем вас в {{client}}…',
  },
  consent: {
    title: '{{client}} запрашивает доступ к вашему Digital ID',
    intro: 'Если вы разрешите, сервис получит:',
    required: 'всегда',
    optionalHint: 'Снимите отметку с того, чем не хотите делиться. Без этого сервис может работать не полностью.',
    policy: 'Политика конфиденциальности {{client}}',
    opensNewTab: '(откроется в новой вкладке)',
    allow: 'Разрешить',
    deny: 'Отказать',
    revokeLater: 'Отозвать доступ можно в любой момент в профиле, в разделе «Сервисы».',
    logo: 'Логотип {{client}}',
    working: 'Подождите…',
  },
  scopes: {
    openid: { title: 'Что это вы', text: 'Идентификатор вашего Digital ID для этого сервиса. Без личных данных.' },
    profile: { title: 'Ваше имя и дата рождения', text: 'Фамилия, имя, отчество, дата рождения и пол из реестра населения.' },
    phone: { title: 'Ваш номер телефона', text: 'Номер телефона вашего Digital ID, подтверждённый по SMS.' },
    iin: { title: 'Ваш ИИН', text: 'Ваш индивидуальный идентификационный номер (12 цифр).' },
    offline_access: { title: 'Доступ в ваше отсутствие', text: 'Сервис остаётся подключённым и после того, как вы из него вышли, пока вы не отзовёте доступ.' },
  },
  stepUp: {
    title: 'Подтвердите себя по лицу',
    text: '{{client}} требует высший уровень подтверждения. Подтвердите, что это вы, коротким видео лица — затем вы продолжите вход в сервис.',
    start: 'Подтвердить по лицу',
  },
  services: {
    title: 'Сервисы',
    intro: 'Сервисы, которым вы разрешили видеть ваши данные при входе через Digital ID. Отзовите доступ — и сервис сразу его потеряет: ему придётся спросить вас снова.',
    none: 'Доступа пока нет ни у одного сервиса.',
    since: 'Разрешено {{time}}',
    sees: 'Может видеть:',
    policy: 'Политика конфиденциальности',
    revoke: 'Отозвать доступ',
    revokeConfirm: 'Отозвать доступ «{{name}}»? Сервису придётся спросить вас снова.',
    revoked: 'Доступ «{{name}}» отозван.',
  },
};

const kk: OidcTexts = {
  titles: { consent: 'Рұқсат беру', continue: 'Қызметке кіруді жалғастыру' },
  continue: {
    to: '{{client}} қызметінде жалғастыру үшін кіріңіз',
    working: 'Сізді {{client}} қызметіне қайтарып жатырмыз…',
  },
  consent: {
    title: '{{client}} сіздің Digital ID деректеріңізге рұқсат сұрайды',
    intro: 'Рұқсат берсеңіз, қызмет мыналарды алады:',
    required: 'әрқашан',
    optionalHint: 'Бөліскіңіз келмейтінінен белгіні алып тастаңыз. Онсыз қызмет толық жұмыс істемеуі мүмкін.',
    policy: '{{client}} құпиялылық саясаты',
    opensNewTab: '(жаңа бетте ашылады)',
    allow: 'Рұқсат беру',
    deny: 'Бас тарту',
    revokeLater: 'Бұл рұқсатты кез келген уақытта профильдегі «Қызметтер» бөлімінде қайтарып ала аласыз.',
    logo: '{{client}} логотипі',
    working: 'Күте тұрыңыз…',
  },
  scopes: {
    openid: { title: 'Бұл сіз екеніңіз', text: 'Осы қызметке арналған Digital ID сәйкестендіргіші. Жеке деректерсіз.' },
    profile: { title: 'Аты-жөніңіз бен туған күніңіз', text: 'Тегі, аты, әкесінің аты, туған күні және жынысы — халық тізілімінен.' },
    phone: { title: 'Телефон нөміріңіз', text: 'SMS арқылы расталған Digital ID телефон нөмірі.' },
    iin: { title: 'ЖСН-іңіз', text: 'Жеке сәйкестендіру нөміріңіз (12 сан).' },
    offline_access: { title: 'Сіз жоқта қолжетімділік', text: 'Рұқсатты қайтарып алғаныңызша, қызметтен шыққаннан кейін де қызмет қосулы қалады.' },
  },
  stepUp: {
    title: 'Бетіңізбен растаңыз',
    text: '{{client}} растаудың ең жоғары деңгейін талап етеді. Бұл сіз екеніңізді бетіңіздің қысқа бейнесімен растаңыз — содан кейін қызметке кіруді жалғастырасыз.',
    start: 'Бетпен растау',
  },
  services: {
    title: 'Қызметтер',
    intro: 'Digital ID арқылы кіргенде деректеріңізді көруге рұқсат берген қызметтер. Рұқсатты қайтарып алсаңыз, қызмет оны бірден жоғалтады және сізден қайта сұрауы керек.',
    none: 'Әзірге ешбір қызметте рұқсат жоқ.',
    since: 'Рұқсат берілді: {{time}}',
    sees: 'Көре алады:',
    policy: 'Құпиялылық саясаты',
    revoke: 'Рұқсатты қайтарып алу',
    revokeConfirm: '«{{name}}» рұқсатын қайтарып аласыз ба? Қызмет сізден қайта сұрауы керек.',
    revoked: '«{{name}}» рұқсаты қайтарып алынды.',
  },
};

export const OIDC_TEXTS = { en, ru, kk };
