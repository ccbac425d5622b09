// The whole registration with the citizen's own face in front of the (fake) camera.
import { expect, test } from '@playwright/test';
import { citizen, recordVideoCheck, snap, text, videoCheckApiPresent } from './support.js';

test('a citizen registers from the phone number to "Your digital profile is created", with an SMS (ru)', async ({ page, request }, testInfo) => {
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
  // The next step is offered, and the SMS confirms the profile as the review path's does (issue 13, item 8).
  await expect(page.getByRole('link', { name: text('ru', 'done.nextLink') })).toHaveAttribute('href', 'https://egov.kz/cms/ru');
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/dev/sms?phone=${encodeURIComponent(person.phone)}`);
        return ((await res.json()).messages as Array<{ purpose: string; body: string }>).find((m) => m.purpose === 'video_check_passed')?.body ?? '';
      },
      { message: 'an SMS on automatic success', timeout: 20_000 },
    )
    .toContain('цифровой профиль создан');
  await snap(page, testInfo, 'done');
});

