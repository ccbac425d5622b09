// The administrator's Services screen (staff console): the demo service in the list; disabled, the
// provider refuses it at once (the citizen's sign-in stops with invalid_client); enabled and edited again.
import { randomInt } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { URI } from 'otpauth';
import { STAFF_TEXTS } from '../../web/src/staff/texts.js';
import { startDemoRp } from '../../src/oidc/demo-rp/demo-rp.js';
import { oauthErrorMessage, PROVIDER_PAGE_TEXTS } from '../../src/oidc/provider-pages.texts.js';
import type { Language } from '../../src/platform/language.js';

const demo: { clientId: string; clientSecret: string; port: number } | null = JSON.parse(process.env.E2E_DEMO_SERVICE ?? 'null');
const account: { login: string; oneTimePassword: string; totpUri: string } | undefined = JSON.parse(process.env.E2E_STAFF || '{}').clientsAdmin;

function staffText(key: string): string {
  const found = key.split('.').reduce<any>((node, part) => node?.[part], STAFF_TEXTS.en);
  if (typeof found !== 'string') throw new Error(`no staff text ${key}`);
  return found;
}

async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto('/staff?lang=en');
  await page.getByLabel(staffText('login.login')).fill(account!.login);
  await page.getByLabel(staffText('login.password'), { exact: true }).fill(account!.oneTimePassword);
  await page.getByLabel(staffText('login.totp')).fill(URI.parse(account!.totpUri).generate());
  await page.getByRole('button', { name: staffText('login.submit') }).click();
  await page.getByLabel(staffText('password.current')).fill(account!.oneTimePassword);
  await page.getByLabel(staffText('password.next')).fill(`e2e passphrase ${randomInt(1e9)}`);
  await page.getByRole('button', { name: staffText('password.submit') }).click();
}

test('an administrator disables the demo service (its sign-in is refused at once), enables it and edits it (en)', async ({ browser }, testInfo) => {
  test.skip(!demo || !account, 'the demo service or the staff accounts were not made (run.mjs)');
  const rp = await startDemoRp({ issuer: `${process.env.E2E_BASE_URL}/oidc`, clientId: demo!.clientId, clientSecret: demo!.clientSecret, port: demo!.port });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: testInfo.project.use.baseURL });
    const page = await context.newPage();
    await signInAsAdmin(page);
    await page.getByRole('link', { name: 'Services (OpenID Connect)' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Services that sign citizens in with Digital ID' })).toBeVisible();
    const row = page.locator(`tr[data-client-id="${demo!.clientId}"]`);
    await expect(row).toContainText('Demo service');
    await expect(row).toContainText('openid profile phone');
    await page.screenshot({ path: testInfo.outputPath('staff-clients-1280.png'), fullPage: true });

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect(page.getByText('“Demo service” disabled.')).toBeVisible();
    await expect(row).toContainText('disabled');
    const citizen = await browser.newPage();
    await citizen.goto(rp.url);
    await citizen.getByRole('link', { name: 'Sign in with Digital ID', exact: true }).click();
    // The provider's error page: the citizen's message in the page's language, the OAuth code as is.
    await expect(citizen.locator('#error-code')).toHaveText('invalid_client');
    const language = (await citizen.locator('html').getAttribute('lang')) as Language;
    await expect(citizen.getByRole('heading', { level: 1 })).toHaveText(PROVIDER_PAGE_TEXTS[language].error.heading);
    await expect(citizen.getByRole('alert')).toHaveText(oauthErrorMessage(language, 'invalid_client'));
    await citizen.close();

    await row.getByRole('button', { name: 'Enable' }).click();
    await expect(page.getByText('“Demo service” enabled.')).toBeVisible();
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Privacy policy address (https)').fill('https://demo.example.kz/privacy-2026');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('“Demo service” saved.')).toBeVisible();
    await expect(row).toContainText('active');
    await context.close();
  } finally {
    await rp.close();
  }
});
