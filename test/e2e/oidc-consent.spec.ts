// Sign in with Digital ID (issue 11) as a citizen meets it: the demo service (npm run demo:rp) sends the
// browser to Digital ID, the citizen signs in with an SMS code, reads what the service asks for, allows
// (or unticks an optional scope, or denies) and lands back at the service, which shows the verified claims.
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { startDemoRp } from '../../src/oidc/demo-rp/demo-rp.js';
import { OIDC_TEXTS } from '../../web/src/oidc/texts.js';
import { PROVIDER_PAGE_TEXTS } from '../../src/oidc/provider-pages.texts.js';
import { accountText, personOf, reachDone } from './account-support.js';
import { citizen, LANGUAGES, newCode, outboxMark, recordVideoCheck, snap, text, type Language } from './support.js';

test.describe.configure({ mode: 'serial' });

const demo: { clientId: string; clientSecret: string; port: number } | null = JSON.parse(process.env.E2E_DEMO_SERVICE ?? 'null');
const SERVICE = 'Demo service';
const LOCALES: Record<Language, string> = { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-GB' };
let rp: Awaited<ReturnType<typeof startDemoRp>> | null = null;

function oidcText(language: Language, key: string, values: Record<string, string> = {}): string {
  const found = key.split('.').reduce<any>((node, part) => node?.[part], OIDC_TEXTS[language]);
  if (typeof found !== 'string') throw new Error(`no oidc text ${key} in ${language}`);
  return found.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => values[name] ?? `{{${name}}}`);
}

test.beforeAll(async () => {
  if (!demo) return;
  rp = await startDemoRp({ issuer: `${process.env.E2E_BASE_URL}/oidc`, clientId: demo.clientId, clientSecret: demo.clientSecret, port: demo.port });
});
test.afterAll(async () => {
  await rp?.close();
});

/** Whether the phone has a Digital ID: a sign-in sends a code to one, a "register first" SMS otherwise. */
async function hasDigitalId(request: APIRequestContext, phone: string): Promise<boolean> {
  const seen = await outboxMark(request, phone);
  expect((await request.post('/api/v1/sessions', { data: { phone } })).status()).toBe(201);
  let purpose = '';
  await expect
    .poll(async () => {
      const messages: Array<{ id?: string; body: string; purpose: string }> = (await (await request.get(`/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`)).json()).messages;
      purpose = messages.find((m) => !seen.has(m.id ?? m.body))?.purpose ?? '';
      return purpose;
    })
    .not.toBe('');
  return purpose !== 'signin_unregistered';
}

async function newPage(browser: Browser, language: Language): Promise<Page> {
  const context = await browser.newContext({ locale: LOCALES[language], viewport: { width: 390, height: 844 } });
  return context.newPage();
}

/** At the demo service: "Sign in with Digital ID" → Digital ID's sign-in for the service → SMS code → consent. */
async function signInAtService(page: Page, request: APIRequestContext, language: Language, phone: string): Promise<void> {
  await page.goto(rp!.url);
  await page.getByRole('link', { name: 'Sign in with Digital ID', exact: true }).click();
  await expect(page).toHaveURL(/\/signin\?interaction=/);
  await expect(page.getByText(oidcText(language, 'continue.to', { client: SERVICE }))).toBeVisible();
  const seen = await outboxMark(request, phone);
  await page.getByLabel(accountText(language, 'signin.phone')).fill(phone);
  await page.getByRole('button', { name: accountText(language, 'signin.submit') }).click();
  const code = await newCode(request, phone, seen);
  await page.getByLabel(accountText(language, 'code.label')).fill(code);
  await page.getByRole('button', { name: accountText(language, 'code.submit'), exact: true }).click();
  await expect(page).toHaveURL(/\/consent\//);
  await expect(page.getByRole('heading', { level: 1, name: oidcText(language, 'consent.title', { client: SERVICE }) })).toBeVisible();
}

// d3 (the oidc project's camera) has a Digital ID from digital-id-in-use.spec.ts; d9's is blocked by the happy path.
const person = citizen('photos/d3.jpg');

test('a registered citizen signs in to a service with Digital ID and allows what it asks (kk, ru, en); unticked phone is not shared; the profile lists the service and revokes it; sign-out asks in the same language', async ({ page, browser, request }, testInfo) => {
  test.skip(!demo, 'the demo service was not registered (E2E_DEMO_SERVICE)');
  test.setTimeout(600_000);
  // Run alone, this file registers d3 itself.
  if (!(await hasDigitalId(request, person.phone))) {
    await recordVideoCheck(page, request, testInfo, 'ru', person);
    await reachDone(page, 'ru');
  }
  const data = personOf(person.iin);
  for (const language of LANGUAGES) {
    const tab = await newPage(browser, language);
    await signInAtService(tab, request, language, person.phone);
    const scopes = tab.locator('.scope-item');
    await expect(scopes).toHaveCount(3);
    for (const scope of ['openid', 'profile', 'phone']) await expect(tab.locator(`[data-scope="${scope}"]`)).toContainText(oidcText(language, `scopes.${scope}.title`));
    await expect(tab.getByRole('link', { name: oidcText(language, 'consent.policy', { client: SERVICE }) })).toHaveAttribute('href', 'https://demo.example.kz/privacy');
    await snap(tab, testInfo, `consent-${language}`);
    // In English the citizen keeps the phone number to themselves.
    const sharePhone = language !== 'en';
    if (!sharePhone) await tab.getByRole('checkbox', { name: oidcText(language, 'scopes.phone.title') }).uncheck();
    await tab.getByRole('button', { name: oidcText(language, 'consent.allow') }).click();

    await expect(tab.getByRole('heading', { level: 1, name: 'You are signed in' })).toBeVisible();
    await expect(tab).toHaveURL(new RegExp(`^${rp!.url}/$`));
    const tables = tab.locator('table');
    for (const table of [tables.nth(0), tables.nth(1)]) await expect(table.locator('[data-claim="sub"]')).not.toBeEmpty();
    const userinfo = tables.nth(1);
    await expect(userinfo.locator('[data-claim="family_name"]')).toHaveText(data.lastName);
    await expect(userinfo.locator('[data-claim="given_name"]')).toHaveText(data.firstName);
    await expect(userinfo.locator('[data-claim="birthdate"]')).toHaveText(data.birthDate);
    if (sharePhone) await expect(userinfo.locator('[data-claim="phone_number"]')).toHaveText(person.phone);
    else await expect(userinfo.locator('[data-claim="phone_number"]')).toHaveCount(0);
    await expect(tables.nth(0).locator('[data-claim="acr"]')).toHaveText('urn:did:acr:low');
    await expect(userinfo.locator('[data-claim="iin"]')).toHaveCount(0);
    if (language === 'en') await tab.screenshot({ path: testInfo.outputPath('demo-service-claims-390.png'), fullPage: true });

    // The profile lists the service with what it may see; revoked, it must ask again (the next language).
    await tab.goto(`${process.env.E2E_BASE_URL}/profile`);
    const services = tab.locator('section[aria-labelledby="profile-services"]');
    await expect(services.getByRole('heading', { level: 2, name: oidcText(language, 'services.title') })).toBeVisible();
    const item = services.locator('.service-item', { hasText: SERVICE });
    await expect(item).toContainText(oidcText(language, 'scopes.profile.title'));
    if (sharePhone) await expect(item).toContainText(oidcText(language, 'scopes.phone.title'));
    else await expect(item).not.toContainText(oidcText(language, 'scopes.phone.title'));
    if (language === 'kk') await snap(tab, testInfo, 'profile-services-kk');
    tab.once('dialog', (dialog) => void dialog.accept());
    await item.getByRole('button', { name: oidcText(language, 'services.revoke') }).click();
    await expect(services.getByText(oidcText(language, 'services.revoked', { name: SERVICE }))).toBeVisible();
    await expect(services.locator('.service-item')).toHaveCount(0);

    // Sign-out at the service ends the Digital ID sign-in for it too (RP-initiated logout), then returns.
    // The provider's question is in the language the citizen uses the Digital ID in (its did_lang cookie).
    await tab.goto(rp!.url);
    await tab.getByRole('button', { name: 'Sign out' }).click();
    const logout = PROVIDER_PAGE_TEXTS[language].logout;
    await expect(tab.getByRole('heading', { level: 1, name: logout.title })).toBeVisible();
    await expect(tab.locator('html')).toHaveAttribute('lang', language);
    await expect(tab.getByRole('link', { name: PROVIDER_PAGE_TEXTS[language].support })).toBeVisible();
    await expect(tab.getByRole('button', { name: logout.no })).toBeVisible();
    if (language === 'kk') await snap(tab, testInfo, 'provider-logout-kk');
    await tab.getByRole('button', { name: logout.yes }).click();
    // The provider's 303 back to the service must be followed (the provider's pages allow that form-action).
    await expect(tab).toHaveURL(new RegExp(`^${rp!.url}`));
    await expect(tab.getByRole('link', { name: 'Sign in with Digital ID', exact: true })).toBeVisible();
    await tab.context().close();
  }
});

test('a citizen who denies the request returns to the service with access_denied (ru)', async ({ browser, request }) => {
  test.skip(!demo, 'the demo service was not registered (E2E_DEMO_SERVICE)');
  const tab = await newPage(browser, 'ru');
  await signInAtService(tab, request, 'ru', person.phone);
  await tab.getByRole('button', { name: oidcText('ru', 'consent.deny') }).click();
  await expect(tab.locator('#error-code')).toHaveText('access_denied');
  await expect(tab.getByRole('link', { name: 'Sign in with Digital ID', exact: true })).toBeVisible();
  await tab.context().close();
});

/** Presses "Start" until the recording starts (the face may leave the oval between check and click), then waits for its end. */
async function recordCheck(page: Page, language: Language) {
  const start = page.getByRole('button', { name: text(language, 'video.start'), exact: true });
  const started = page.getByRole('progressbar').or(page.getByText(text(language, 'video.sending'))).or(page.getByText(text(language, 'common.sending')));
  for (let attempt = 0; attempt < 20 && !(await started.isVisible()); attempt++) {
    await expect(start).toBeEnabled({ timeout: 60_000 });
    await start.click({ timeout: 2_000 }).catch(() => undefined);
    await started.waitFor({ timeout: 2_000 }).catch(() => undefined);
  }
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 });
}

test('a service that asks for a face check: the citizen signed in with a code confirms with the face, then consents; the ID token says acr high (kk)', async ({ browser, request }, testInfo) => {
  test.skip(!demo, 'the demo service was not registered (E2E_DEMO_SERVICE)');
  test.setTimeout(300_000);
  const tab = await newPage(browser, 'kk');
  await tab.goto(rp!.url);
  await tab.getByRole('link', { name: 'Sign in with Digital ID and a face check' }).click();
  await expect(tab).toHaveURL(/\/signin\?interaction=/);
  const seen = await outboxMark(request, person.phone);
  await tab.getByLabel(accountText('kk', 'signin.phone')).fill(person.phone);
  await tab.getByRole('button', { name: accountText('kk', 'signin.submit') }).click();
  const code = await newCode(request, person.phone, seen);
  await tab.getByLabel(accountText('kk', 'code.label')).fill(code);
  await tab.getByRole('button', { name: accountText('kk', 'code.submit'), exact: true }).click();
  await expect(tab.getByRole('heading', { level: 1, name: oidcText('kk', 'stepUp.title') })).toBeVisible();
  await snap(tab, testInfo, 'step-up-needed-kk');
  await tab.getByRole('button', { name: oidcText('kk', 'stepUp.start') }).click();
  await tab.getByRole('button', { name: text('kk', 'camera.allow') }).click();
  await recordCheck(tab, 'kk');
  // As in the profile's step-up, a loaded machine can stall a capture: the citizen may try once more.
  const consent = tab.getByRole('heading', { level: 1, name: oidcText('kk', 'consent.title', { client: SERVICE }) });
  const retry = tab.getByRole('heading', { level: 2, name: text('kk', 'video.retryTitle') });
  await expect(consent.or(retry)).toBeVisible({ timeout: 60_000 });
  if (await retry.isVisible()) {
    await tab.getByRole('button', { name: text('kk', 'video.retry') }).click();
    await recordCheck(tab, 'kk');
  }
  await expect(consent).toBeVisible({ timeout: 60_000 });
  await tab.getByRole('button', { name: oidcText('kk', 'consent.allow') }).click();
  await expect(tab.getByRole('heading', { level: 1, name: 'You are signed in' })).toBeVisible();
  const idToken = tab.locator('table').nth(0);
  await expect(idToken.locator('[data-claim="acr"]')).toHaveText('urn:did:acr:high');
  await expect(idToken.locator('[data-claim="amr"]')).toContainText('face');
  await tab.context().close();
});

test("a service that asks for the citizen's language (ui_locales=kk) gets Digital ID's sign-in page in Kazakh, in an English browser", async ({ browser }, testInfo) => {
  test.skip(!demo, 'the demo service was not registered (E2E_DEMO_SERVICE)');
  const tab = await newPage(browser, 'en');
  await tab.goto(`${rp!.url}/login?ui_locales=kk`);
  await expect(tab).toHaveURL(/\/signin\?interaction=[^&]+&lang=kk$/);
  await expect(tab.locator('html')).toHaveAttribute('lang', 'kk');
  await expect(tab.getByText(oidcText('kk', 'continue.to', { client: SERVICE }))).toBeVisible();
  await expect(tab.getByLabel(accountText('kk', 'signin.phone'))).toBeVisible();
  await snap(tab, testInfo, 'signin-for-service-ui-locales-kk');
  await tab.context().close();
});
