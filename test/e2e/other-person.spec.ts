// Someone else's face in front of the camera: a live person, but not the one in the registry.
import { test } from '@playwright/test';
import { citizen, reachReview, recordVideoCheck, snap, videoCheckApiPresent } from './support.js';

test("another person's face sends the registration to review, with an SMS promised (kk)", async ({ page, request }, testInfo) => {
  test.setTimeout(300_000);
  test.skip(!(await videoCheckApiPresent(request)), 'the video-check API (POST /api/v1/registrations/{id}/video-checks) is not deployed yet');
  await recordVideoCheck(page, request, testInfo, 'kk', citizen('photos/s32.jpg'));
  await reachReview(page, 'kk');
  await snap(page, testInfo, 'under-review');
});
