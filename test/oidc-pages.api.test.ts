// The pages oidc-provider renders itself (RP-initiated logout, signed out, errors): in the language the
// service asks (ui_locales), else the one chosen in the web app (did_lang cookie), else the browser's,
// else DEFAULT_LANGUAGE; the web app's look under the route's CSP; the support-centre link on each. The
// web app's sign-in and consent pages get the same language through the interaction URL (?lang=).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { authorizationUrl, Browser, registerClient, relyingParty, signedInBrowser, startOidcTestServer, tokensFor } from './support/oidc-rp.js';
import { PROVIDER_PAGE_TEXTS, oauthErrorMessage } from '../src/oidc/provider-pages.texts.js';
import type { Language } from '../src/platform/language.js';

const server = useTestServer(() => startOidcTestServer({ SUPPORT_URL_KK: 'https://help.example.kz/kk', SUPPORT_URL_RU: 'https://help.example.kz/ru', SUPPORT_URL_EN: 'https://help.example.kz/en' }));

/** The parts of a provider page a citizen (and the browser's CSP check) meet. */
function pageOf(res: { headers: Headers; body: unknown }) {
  const html = String(res.body);
  const csp = res.headers.get('content-security-policy') ?? '';
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  return {
    html,
    lang: /<html lang="([^"]+)"/.exec(html)?.[1],
    h1: /<h1>([^<]*)<\/h1>/.exec(html)?.[1],
    support: /<footer[^>]*><a href="([^"]+)"[^>]*>([^<]+)</.exec(html)?.slice(1, 3),
    errorCode: /<code id="error-code">([^<]*)<\/code>/.exec(html)?.[1],
    styleAllowed: csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`) && !/style-src[^;]*unsafe-inline/.test(csp),
  };
}

const decode = (text: string) => text.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

async function wrongRedirectPage(headers: Record<string, string> = {}, params: Record<string, string> = {}) {
  const client = await registerClient(server);
  const rp = await relyingParty(server, client);
  const start = await authorizationUrl(rp, { redirect_uri: 'https://evil.example.com/callback', ...params });
  const browser = new Browser(server);
  return browser.fetch(start.url.href, { headers });
}

/** Requests without ui_locales and the language each should get: did_lang, else Accept-Language, else DEFAULT_LANGUAGE. */
function withoutUiLocales(): Array<[Record<string, string>, Language]> {
  return [
    [{ cookie: 'did_lang=en', 'accept-language': 'kk' }, 'en'],
    [{ cookie: 'did_lang=de', 'accept-language': 'de, kk;q=0.8, ru;q=0.5' }, 'kk'],
    [{ 'accept-language': 'en-GB,en;q=0.9' }, 'en'],
    [{}, server.config.defaultLanguage],
  ];
}

describe(`the provider's own pages on ${testDbKind}`, () => {
  it('the logout question in the language the service asks (ui_locales=kk); its answer leads to "signed out" in the same language', async () => {
    const client = await registerClient(server, { name: 'Kaspi' });
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    const { tokens } = await tokensFor(server, rp, browser);
    const endUrl = oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, ui_locales: 'kk-KZ ru' });
    const question = await browser.fetch(endUrl.href, { headers: { 'accept-language': 'en' } });
    expect(question.status).toBe(200);
    const kk = PROVIDER_PAGE_TEXTS.kk.logout;
    const page = pageOf(question);
    expect(page).toMatchObject({ lang: 'kk', h1: kk.title, support: ['https://help.example.kz/kk', PROVIDER_PAGE_TEXTS.kk.support], styleAllowed: true });
    expect(decode(page.html)).toContain(kk.fromClient.replace('{client}', 'Kaspi'));
    expect(page.html).toContain(`name="logout" value="yes">${kk.yes}</button>`);
    expect(page.html).toContain(`>${kk.no}</button>`);
    expect(page.html).not.toMatch(/<script|googleapis/);

    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.html)![1];
    const action = /action="([^"]+)"/.exec(page.html)![1];
    const done = await browser.fetch(action, { method: 'POST', form: { xsrf, logout: 'yes' } });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${server.config.http.publicUrl}/oidc/session/end/success?ui_locales=kk`);
    const signedOut = pageOf(await browser.fetch(done.location!, { headers: { 'accept-language': 'en' } }));
    expect(signedOut).toMatchObject({ lang: 'kk', h1: PROVIDER_PAGE_TEXTS.kk.loggedOut.heading, support: ['https://help.example.kz/kk', PROVIDER_PAGE_TEXTS.kk.support], styleAllowed: true });
    expect(signedOut.html).toContain(PROVIDER_PAGE_TEXTS.kk.loggedOut.all);
  });

  it('staying signed in (ru): the service alone is signed out, the page says so in Russian', async () => {
    const client = await registerClient(server, { name: 'Halyk' });
    const rp = await relyingParty(server, client);
    const { browser } = await signedInBrowser(server);
    const { tokens } = await tokensFor(server, rp, browser);
    const question = await browser.fetch(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, ui_locales: 'ru' }).href);
    const page = pageOf(question);
    expect(page).toMatchObject({ lang: 'ru', h1: PROVIDER_PAGE_TEXTS.ru.logout.title, support: ['https://help.example.kz/ru', PROVIDER_PAGE_TEXTS.ru.support] });
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.html)![1];
    const action = /action="([^"]+)"/.exec(page.html)![1];
    const done = await browser.fetch(action, { method: 'POST', form: { xsrf } });
    expect(done.status).toBe(303);
    const signedOut = pageOf(await browser.fetch(done.location!));
    expect(signedOut).toMatchObject({ lang: 'ru', h1: PROVIDER_PAGE_TEXTS.ru.loggedOut.heading });
    expect(decode(signedOut.html)).toContain(PROVIDER_PAGE_TEXTS.ru.loggedOut.client.replace('{client}', 'Halyk'));
  });

  it('an error page (ui_locales=ru): the localized message, the OAuth code as a stable machine code, no stack, the support link', async () => {
    const res = await wrongRedirectPage({ 'accept-language': 'en' }, { ui_locales: 'ru' });
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    const page = pageOf(res);
    expect(page).toMatchObject({
      lang: 'ru',
      h1: PROVIDER_PAGE_TEXTS.ru.error.heading,
      errorCode: 'invalid_redirect_uri',
      support: ['https://help.example.kz/ru', PROVIDER_PAGE_TEXTS.ru.support],
      styleAllowed: true,
    });
    expect(decode(page.html)).toContain(oauthErrorMessage('ru', 'invalid_redirect_uri'));
    expect(page.html).not.toMatch(/<script|googleapis|\bat .*\.js:\d+|node_modules/);
  });

  it('an unknown service (ui_locales=kk): invalid_client in Kazakh', async () => {
    const res = await new Browser(server).fetch('/oidc/auth?client_id=no-such-service&response_type=code&scope=openid&ui_locales=kk');
    expect(res.status).toBe(400);
    const page = pageOf(res);
    expect(page).toMatchObject({ lang: 'kk', errorCode: 'invalid_client', h1: PROVIDER_PAGE_TEXTS.kk.error.heading });
    expect(decode(page.html)).toContain(oauthErrorMessage('kk', 'invalid_client'));
  });

  it("the provider's form_post page (ui_locales=kk): html lang, the no-script text and button in Kazakh; its script still allowed by hash", async () => {
    const client = await registerClient(server);
    const rp = await relyingParty(server, client);
    // No PKCE: the error goes back to the service, here as an auto-submitting form.
    const url = oidc.buildAuthorizationUrl(rp.config, { redirect_uri: client.redirectUri, scope: 'openid', response_mode: 'form_post', state: 'fp', ui_locales: 'kk' });
    const res = await new Browser(server).fetch(url.href, { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(400);
    const html = String(res.body);
    const kk = PROVIDER_PAGE_TEXTS.kk.formPost;
    expect(/<html lang="([^"]+)"/.exec(html)?.[1]).toBe('kk');
    expect(html).toContain(`<title>${kk.title} · Digital ID</title>`);
    expect(html).toContain(`<noscript><p>${kk.noscript}</p><button autofocus type="submit">${kk.continue}</button></noscript>`);
    expect(html).toContain(`<form method="post" action="${client.redirectUri}">`);
    expect(html).toContain('name="error" value="invalid_request"');
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(res.headers.get('content-security-policy')).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('without ui_locales: the language chosen in the web app (did_lang cookie), else Accept-Language, else DEFAULT_LANGUAGE', async () => {
    const cases = withoutUiLocales();
    for (const [headers, language] of cases) {
      const page = pageOf(await wrongRedirectPage(headers));
      expect(page.lang, JSON.stringify(headers)).toBe(language);
      expect(page.h1).toBe(PROVIDER_PAGE_TEXTS[language].error.heading);
      expect(decode(page.html)).toContain(oauthErrorMessage(language, 'invalid_redirect_uri'));
    }
  });

  it("sends the citizen to the web app's sign-in and consent pages in the same language (?lang=): ui_locales first, kept from sign-in to consent", async () => {
    const rp = await relyingParty(server, await registerClient(server));
    const { browser } = await signedInBrowser(server);
    const start = await authorizationUrl(rp, { ui_locales: 'de kk-KZ ru' });
    const signin = await browser.fetch(start.url.href, { headers: { 'accept-language': 'en' } });
    expect(signin.location).toMatch(/\/signin\?interaction=[^&]+&lang=kk$/);
    const uid = new URL(signin.location!).searchParams.get('interaction')!;
    const login = await browser.fetch(`/api/v1/interactions/${uid}/login`, { method: 'POST', headers: { 'accept-language': 'en' } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const consent = await browser.fetch(new URL(login.body.redirectTo, server.url).href, { headers: { 'accept-language': 'en' } });
    expect(new URL(consent.location!).pathname).toMatch(/^\/consent\/[^/]+$/);
    expect(new URL(consent.location!).search).toBe('?lang=kk');
  });

  it('without ui_locales the sign-in page gets the language the provider pages would: did_lang, else Accept-Language, else DEFAULT_LANGUAGE', async () => {
    const rp = await relyingParty(server, await registerClient(server));
    const cases = withoutUiLocales();
    for (const [headers, language] of cases) {
      const start = await authorizationUrl(rp);
      const res = await new Browser(server).fetch(start.url.href, { headers });
      expect(new URL(res.location!).searchParams.get('lang'), JSON.stringify(headers)).toBe(language);
    }
  });
});
