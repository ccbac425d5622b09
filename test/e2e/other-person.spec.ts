// Someone else's face in front of the camera: a live person, but not the one in the registry.
import { expect, test } from '@playwright/test';
import { citizen, recordVideoCheck, snap, text, videoCheckApiPresent } from './support.js';

test("another person's face sends the registration to review, with an SMS promised (kk)", async ({ page, request }, testInfo) => {
  test.skip(!(await videoCheckApiPresent(request)), 'the video-check API (POST /api/v1/registrations/{id}/video-checks) is not deployed yet');
  await recordVideoCheck(page, request, testInfo, 'kk', citizen('photos/d3.jpg'));
  await expect(page.getByRole('heading', { level: 1, name: text('kk', 'video.reviewTitle') })).toBeVisible({ timeout: 90_000 });
  await snap(page, testInfo, 'under-review');
});
