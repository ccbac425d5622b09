// A presentation attack: the registry photo held to the camera, slowly zoomed and panned.
import { expect, test } from '@playwright/test';
import { citizen, recordVideoCheck, snap, text, textPattern, videoCheckApiPresent } from './support.js';

test('a still-photo replay is refused with the reasons and the attempts left (en)', async ({ page, request }, testInfo) => {
  test.skip(!(await videoCheckApiPresent(request)), 'the video-check API (POST /api/v1/registrations/{id}/video-checks) is not deployed yet');
  // Refused either way, so this test also photographs the recording (prompt and progress).
  await recordVideoCheck(page, request, testInfo, 'en', citizen('photos/d0.jpg'), { photographRecording: true });
  await expect(page.getByRole('heading', { level: 2, name: text('en', 'video.retryTitle') })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText(textPattern('en', 'video.attemptsLeft'))).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: text('en', 'done.title') })).toHaveCount(0);
  await snap(page, testInfo, 'refused');
});
