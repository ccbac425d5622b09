// Issue 13, item 5: each wizard step is its own history entry with its own page title; Back goes to the
// previous step but never past a step the server has completed, and never out of the service mid-way.
import { expect, test, type Page } from '@playwright/test';
import { citizen, newCode, openWizard, outboxMark, passIin, text, type Language } from './support.js';

function title(language: Language, n: number, step: string): string {
  return `${text(language, 'app.step', { n, total: 6 })} — ${text(language, `titles.${step}`)} · Digital ID`;
}

async function expectStep(page: Page, language: Language, heading: string, n: number, step: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: text(language, heading) })).toBeVisible();
  await expect(page).toHaveTitle(title(language, n, step));
}

test('Back goes to the previous step, never past a completed one, and each step has its own title (ru)', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000);
  const { phone, iin } = citizen('photos/d12.jpg');
  const origin = new URL(testInfo.project.use.baseURL!).origin;
  await openWizard(page, 'ru');
  await expectStep(page, 'ru', 'phone.title', 1, 'phone');

  // Phone → code, Back → the phone step with the number kept (the code is not confirmed yet).
  let seen = await outboxMark(request, phone);
  await page.getByLabel(text('ru', 'phone.label')).fill(phone);
  await page.getByRole('button', { name: text('ru', 'phone.submit') }).click();
  await expectStep(page, 'ru', 'code.title', 2, 'code');
  await newCode(request, phone, seen);
  await page.goBack();
  await expectStep(page, 'ru', 'phone.title', 1, 'phone');
  await expect(page.getByLabel(text('ru', 'phone.label'))).toHaveValue(/^\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}$/);

  // Again, and this time the code is confirmed: Back from the IIN stays on the IIN, in the service.
  seen = await outboxMark(request, phone);
  await page.getByRole('button', { name: text('ru', 'phone.submit') }).click();
  await expectStep(page, 'ru', 'code.title', 2, 'code');
  await page.getByLabel(text('ru', 'code.label')).fill(await newCode(request, phone, seen));
  await page.getByRole('button', { name: text('ru', 'code.submit') }).click();
  await expectStep(page, 'ru', 'iin.title', 3, 'iin');
  await page.goBack();
  await page.goBack();
  expect(new URL(page.url()).origin).toBe(origin);
  await expectStep(page, 'ru', 'iin.title', 3, 'iin');

  // IIN → camera → recording view; Back → the camera step; Back again stays there (the IIN is confirmed).
  await passIin(page, 'ru', iin);
  await expectStep(page, 'ru', 'camera.title', 4, 'camera');
  await page.getByRole('button', { name: text('ru', 'camera.allow') }).click();
  await expectStep(page, 'ru', 'video.title', 5, 'videoCheck');
  await page.goBack();
  await expectStep(page, 'ru', 'camera.title', 4, 'camera');
  await page.goBack();
  expect(new URL(page.url()).origin).toBe(origin);
  await expectStep(page, 'ru', 'camera.title', 4, 'camera');
  // Forward does not skip ahead either.
  await page.goForward();
  await expectStep(page, 'ru', 'camera.title', 4, 'camera');
});

test('the page title follows the language (kk, en)', async ({ page }) => {
  await openWizard(page, 'kk');
  await expect(page).toHaveTitle(title('kk', 1, 'phone'));
  await page.getByRole('button', { name: 'Eng' }).click();
  await expect(page).toHaveTitle(title('en', 1, 'phone'));
});
