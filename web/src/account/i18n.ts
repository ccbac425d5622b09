// Sign-in and profile texts, in their own i18next namespace "account" beside the wizard's catalogues.
import i18next from '../i18n/index.js';
import { ACCOUNT_TEXTS } from './texts.js';

for (const [language, texts] of Object.entries(ACCOUNT_TEXTS)) i18next.addResourceBundle(language, 'account', texts, true, true);

export const ACCOUNT_NS = 'account';
