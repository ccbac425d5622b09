// The whole registration with the citizen's own face in front of the (fake) camera.
import { expect, test } from '@playwright/test';
import { citizen, recordVideoCheck, snap, text, videoCheckApiPresent } from './support.js';

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

