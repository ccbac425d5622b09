// The languages of every user-facing text. Kept apart from config.ts so that pure text catalogues (the
// error catalogue, which the web app bundles too) do not depend on the environment reader.
export type Language = 'kk' | 'ru' | 'en';
export const LANGUAGES: readonly Language[] = ['kk', 'ru', 'en'];
