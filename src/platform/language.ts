// The languages of every user-facing text. Kept apart from config.ts so that pure text catalogues (the
// error catalogue, which the web app bundles too) do not depend on the environment reader.
export type Language = 'kk' | 'ru' | 'en';
export const LANGUAGES: readonly Language[] = ['kk', 'ru', 'en'];

/**
 * The language the citizen chose in the web app, as a cookie (the app also keeps it in localStorage):
 * pages the server renders itself (the OpenID provider's logout and error pages) follow that choice.
 */
export const LANGUAGE_COOKIE = 'did_lang';
