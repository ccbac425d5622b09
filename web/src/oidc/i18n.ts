// The "oidc" namespace beside the wizard's and the account pages' catalogues.
import i18next from '../i18n/index.js';
import { OIDC_TEXTS } from './texts.js';

for (const [language, texts] of Object.entries(OIDC_TEXTS)) i18next.addResourceBundle(language, 'oidc', texts, true, true);
