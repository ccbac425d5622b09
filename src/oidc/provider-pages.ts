// The pages oidc-provider renders itself: the RP-initiated logout question, "you are signed out" and the
// error page. In the citizen's language (the service's ui_locales, else the language chosen in the web
// app, else the browser's), looking like the web app, with the support-centre link; no script, and one
// inline stylesheet that the route's CSP allows by its hash.
import { createHash } from 'node:crypto';
import type { Config } from '../platform/config.js';
import { isLanguage, negotiateLanguage } from '../platform/i18n.js';
import { LANGUAGE_COOKIE, type Language } from '../platform/language.js';
import { oauthErrorMessage, PROVIDER_PAGE_TEXTS } from './provider-pages.texts.js';

/** What the pages read of oidc-provider's Koa context. */
export interface PageContext {
  oidc?: { params?: Record<string, unknown>; client?: { clientId: string; clientName?: string } };
  query?: Record<string, unknown>;
  cookies: { get(name: string, options?: { signed: boolean }): string | undefined };
  get(header: string): string;
  type: string;
  body: unknown;
}

// The web app's look (web/src/styles.css) in the few rules these pages use.
const STYLESHEET = [
  ':root{--text:#1b1f24;--muted:#4a5561;--primary:#0b4f8a;--primary-dark:#083a66;--error:#b00020;--focus:#f5a300;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;font-size:16px;line-height:1.5;color:var(--text);background:#fff}',
  '*,*::before,*::after{box-sizing:border-box}body{margin:0}',
  '.page{min-height:100vh;display:flex;flex-direction:column}',
  '.header{display:flex;align-items:center;padding:.75rem 1rem;border-bottom:1px solid #dde3e9}',
  '.brand{display:flex;align-items:center;gap:.5rem;color:var(--primary)}.brand-logo{width:2rem;height:2rem}.brand-name{font-weight:700;font-size:1.1rem}',
  '.main{flex:1;width:100%;max-width:34rem;margin:0 auto;padding:1rem 1rem 3rem}',
  '.muted{color:var(--muted)}.error{border-left:4px solid var(--error);padding:.5rem .75rem;background:#fde8eb}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em;overflow-wrap:anywhere}',
  '.primary,.secondary{display:block;width:100%;min-height:3rem;margin:1rem 0 0;padding:.7rem 1.25rem;border-radius:.5rem;font:inherit;font-weight:600;font-size:1.05rem;cursor:pointer}',
  '.primary{background:var(--primary);color:#fff;border:2px solid var(--primary)}.primary:hover{background:var(--primary-dark)}',
  '.secondary{background:#fff;color:var(--primary);border:2px solid var(--primary)}',
  ':focus-visible{outline:3px solid var(--focus);outline-offset:2px}',
  '.footer{padding:1rem;border-top:1px solid #dde3e9;text-align:center}.footer a{color:var(--primary);display:inline-block;padding:.5rem}',
  '.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
  '@media (min-width:40rem){.main{padding-top:2rem}h1{font-size:1.85rem}.primary,.secondary{width:auto;min-width:14rem}}',
].join('');

/** The CSP source that allows the pages' one inline stylesheet (and no other inline style). */
export const PAGE_STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

const LOGO =
  '<svg class="brand-logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="7" fill="currentColor"/>' +
  '<ellipse cx="16" cy="14" rx="6" ry="7.5" fill="none" stroke="#fff" stroke-width="2.5"/><path d="M7 28c2-5 5.5-7 9-7s7 2 9 7" fill="none" stroke="#fff" stroke-width="2.5"/></svg>';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}

/** The first of the service's ui_locales (space-separated BCP 47 tags) that we speak. */
function fromUiLocales(value: unknown): Language | null {
  if (typeof value !== 'string') return null;
  for (const tag of value.trim().split(/\s+/)) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return null;
}

/**
 * The language of a page the citizen sees while a service waits: the service's ui_locales (`uiLocales`:
 * an interaction's, else the request's), else the web app's choice (did_lang), else Accept-Language,
 * else DEFAULT_LANGUAGE. The provider's own pages and the web app's sign-in and consent pages (the
 * interaction URL carries it as ?lang=) use this one order.
 */
export function pageLanguage(kctx: Pick<PageContext, 'query' | 'cookies' | 'get'> & { oidc?: { params?: Record<string, unknown> } }, config: Config, uiLocales?: unknown): Language {
  const requested = fromUiLocales(uiLocales) ?? fromUiLocales(kctx.oidc?.params?.ui_locales) ?? fromUiLocales(kctx.query?.ui_locales);
  if (requested) return requested;
  const chosen = kctx.cookies.get(LANGUAGE_COOKIE, { signed: false });
  if (isLanguage(chosen)) return chosen;
  return negotiateLanguage(kctx.get('accept-language') || undefined, config.defaultLanguage);
}

function page(config: Config, language: Language, title: string, main: string): string {
  const t = PROVIDER_PAGE_TEXTS[language];
  return (
    `<!DOCTYPE html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${escape(title)} · ${t.brand}</title><style>${STYLESHEET}</style></head>` +
    `<body><div class="page"><header class="header"><div class="brand">${LOGO}<span class="brand-name">${t.brand}</span></div></header>` +
    `<main id="main" class="main">${main}</main>` +
    `<footer class="footer"><a href="${escape(config.supportUrls[language])}" target="_blank" rel="noopener noreferrer">${t.support}<span class="visually-hidden"> ${t.opensNewTab}</span></a></footer>` +
    `</div></body></html>`
  );
}

function clientName(kctx: PageContext): string | null {
  const client = kctx.oidc?.client;
  return client ? (client.clientName ?? client.clientId) : null;
}

export interface ProviderPages {
  logoutSource(kctx: PageContext, form: string): Promise<void>;
  postLogoutSuccessSource(kctx: PageContext): Promise<void>;
  renderError(kctx: PageContext, out: { error: string; error_description?: string }): Promise<void>;
  localizeFormPost(kctx: PageContext, html: string): string;
}

/** oidc-provider's own auto-submitting form (response_mode=form_post, a logout without a session): not configurable. */
export function isFormPostPage(body: unknown): body is string {
  return typeof body === 'string' && body.includes('<title>Submitting Callback</title>');
}

export function providerPages(config: Config): ProviderPages {
  return {
    // `form` is the provider's <form id="op.logoutForm"> with its xsrf field; the buttons submit it. Its
    // action carries the language on, so the "signed out" page after it speaks the same one.
    async logoutSource(kctx, form) {
      const language = pageLanguage(kctx, config);
      const t = PROVIDER_PAGE_TEXTS[language].logout;
      const client = clientName(kctx);
      const withLanguage = form.replace(/action="([^"?]*)"/, (_m, action: string) => `action="${action}?ui_locales=${language}"`);
      kctx.type = 'html';
      kctx.body = page(
        config,
        language,
        t.title,
        `<h1>${t.title}</h1><p>${escape(client ? fill(t.fromClient, { client }) : t.question)}</p><p class="muted">${t.text}</p>${withLanguage}` +
          `<button class="primary" autofocus type="submit" form="op.logoutForm" name="logout" value="yes">${t.yes}</button>` +
          `<button class="secondary" type="submit" form="op.logoutForm">${t.no}</button>`,
      );
    },
    async postLogoutSuccessSource(kctx) {
      const language = pageLanguage(kctx, config);
      const t = PROVIDER_PAGE_TEXTS[language].loggedOut;
      const client = clientName(kctx);
      kctx.type = 'html';
      kctx.body = page(config, language, t.title, `<h1>${t.heading}</h1><p>${escape(client ? fill(t.client, { client }) : t.all)}</p>`);
    },
    // The citizen reads what happened in their language; the OAuth code is shown as is (the machine code a
    // service looks up). The provider's description is protocol-level text for the service's developers,
    // never a stack; a server error has none worth showing.
    async renderError(kctx, out) {
      const language = pageLanguage(kctx, config);
      const t = PROVIDER_PAGE_TEXTS[language].error;
      const code = /^[a-z_]{1,64}$/.test(out.error) ? out.error : 'server_error';
      const description = code !== 'server_error' && out.error_description ? `<p class="muted">${t.developers} <code>${escape(out.error_description)}</code></p>` : '';
      kctx.type = 'html';
      kctx.body = page(
        config,
        language,
        t.title,
        `<h1>${t.heading}</h1><p class="error" role="alert">${escape(oauthErrorMessage(language, code))}</p>` +
          `<p>${t.code} <code id="error-code">${code}</code></p>${description}`,
      );
    },
    // The form_post page is the provider's own: its language, title and the text shown without
    // JavaScript are set here; its script (allowed by the hash the provider adds to the CSP) is untouched.
    localizeFormPost(kctx, html) {
      const language = pageLanguage(kctx, config);
      const t = PROVIDER_PAGE_TEXTS[language].formPost;
      return html
        .replace('<html>', `<html lang="${language}">`)
        .replace('<title>Submitting Callback</title>', `<meta charset="utf-8"><title>${t.title} · ${PROVIDER_PAGE_TEXTS[language].brand}</title>`)
        .replace(/<noscript>[\s\S]*?<\/noscript>/, `<noscript><p>${t.noscript}</p><button autofocus type="submit">${t.continue}</button></noscript>`);
    },
  };
}
