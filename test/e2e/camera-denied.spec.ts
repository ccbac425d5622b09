// The browser refuses the camera (launched with --use-fake-ui-for-media-stream=deny).
import { expect, test } from '@playwright/test';
import { citizen, LANGUAGES, openWizard, passIin, passPhoneAndCode, snap, text } from './support.js';

for (const language of LANGUAGES) {
  test(`a refused camera explains how to allow it in this browser (${language})`, async ({ page, request }, testInfo) => {
    const { phone, iin } = citizen('photos/d6.jpg');
    await openWizard(page, language);
    await passPhoneAndCode(page, request, language, phone);
    await passIin(page, language, iin);
    await expect(page.getByRole('heading', { level: 1, name: text(language, 'camera.title') })).toBeVisible();
    await expect(page.getByText(text(language, 'camera.why'))).toBeVisible();
    await snap(page, testInfo, 'camera-explained');
    await page.getByRole('button', { name: text(language, 'camera.allow') }).click();
    await expect(page.getByRole('heading', { level: 1, name: text(language, 'camera.deniedTitle') })).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: text(language, 'camera.deniedChrome') })).toBeVisible();
    await expect(page.getByRole('button', { name: text(language, 'camera.tryAgain') })).toBeEnabled();
    await snap(page, testInfo, 'camera-denied');
  });
}
