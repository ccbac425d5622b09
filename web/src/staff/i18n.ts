// The staff console's texts, in their own i18next namespace "staff" beside the citizen's catalogues.
import i18next from '../i18n/index.js';
import { STAFF_TEXTS } from './texts.js';

for (const [language, texts] of Object.entries(STAFF_TEXTS)) i18next.addResourceBundle(language, 'staff', texts, true, true);

export const STAFF_NS = 'staff';
