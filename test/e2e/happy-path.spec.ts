// The whole registration with the citizen's own face in front of the (fake) camera.
import { expect, test } from '@playwright/test';
import { citizen, openWizard, passIin, passPhoneAndCode, recordVideoCheck, snap, text, videoCheckApiPresent } from './support.js';

test('a citizen registers from the phone number to "Registration complete" (ru)', async ({ page, request }, testInfo) => {
  test.skip(!(await videoCheckApiPresent(request)), 'the video-check API (POST /api/v1/registrations/{id}/video-checks) is not deployed yet');
  const scripts: string[] = [];
  page.on('request', (req) => req.resourceType() === 'script' && scripts.push(new URL(req.url()).pathname));
  const person = citizen('photos/d9.jpg');
  await page.goto('/?lang=ru');
  // Human and its models load only at the video step.
  expect(scripts.some((s) => s.includes('face-guide'))).toBe(false);
  await recordVideoCheck(page, request, testInfo, 'ru', person);
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'done.title') })).toBeVisible({ timeout: 90_000 });
  expect(scripts.some((s) => s.includes('face-guide'))).toBe(true);
  await snap(page, testInfo, 'done');
});

test('the video step guides the face into the oval and enables Start (ru, without the video-check API)', async ({ page, request }, testInfo) => {
  test.skip(await videoCheckApiPresent(request), 'covered by the whole registration above');
  const person = citizen('photos/d11.jpg');
  await openWizard(page, 'ru');
  await passPhoneAndCode(page, request, 'ru', person.phone);
  await passIin(page, 'ru', person.iin);
  await page.getByRole('button', { name: text('ru', 'camera.allow') }).click();
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'video.title') })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: text('ru', 'video.guidance.good') })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: text('ru', 'video.start'), exact: true })).toBeEnabled();
  await snap(page, testInfo, 'video-positioned');
});
