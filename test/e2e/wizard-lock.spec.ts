// Issue 13, item 3: after too many failed video checks the lock shows at once after a reload, with its
// countdown and what to do next — never the camera first; and (with the lock kept per person and
// phone) a new registration for the same IIN and phone meets the same lock.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import sharp from 'sharp';
import { citizen, openWizard, passIin, passPhoneAndCode, snap, text, type Citizen } from './support.js';

interface Session {
  id: string;
  token: string;
}

// Browser-side code as text: the test project compiles without the DOM library.
const HEADINGS_KEY = 'e2e.headings';
const RECORD_HEADINGS = `(() => {
  const seen = JSON.parse(sessionStorage.getItem('${HEADINGS_KEY}') || '[]');
  const note = () => {
    const h1 = (document.querySelector('h1') || {}).textContent || '';
    if (h1 && seen[seen.length - 1] !== h1) {
      seen.push(h1);
      sessionStorage.setItem('${HEADINGS_KEY}', JSON.stringify(seen));
    }
  };
  new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

/** Records every step heading the page shows, from the first paint on (survives reloads). */
async function recordHeadings(page: Page): Promise<void> {
  await page.addInitScript({ content: RECORD_HEADINGS });
}

async function headingsSince(page: Page, mark: number): Promise<string[]> {
  return ((await page.evaluate(`JSON.parse(sessionStorage.getItem('${HEADINGS_KEY}') || '[]')`)) as string[]).slice(mark);
}

/**
 * Fails the video check through the API as a browser would submit it, with frames that show no face:
 * the quickest way to spend the attempts (recording 3 times would take minutes).
 */
async function failVideoChecks(request: APIRequestContext, session: Session): Promise<{ lockedUntil: string }> {
  const blank = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#7a7f85' } }).jpeg({ quality: 80 }).toBuffer();
  const auth = { authorization: `Bearer ${session.token}` };
  for (let attempt = 1; attempt <= 10; attempt++) {
    const issued = await request.post(`/api/v1/registrations/${session.id}/video-checks`, { headers: auth });
    expect(issued.status(), await issued.text()).toBe(201);
    const check = await issued.json();
    const count = check.capture.minFrames;
    const timestamps = Array.from({ length: count }, (_, i) => Math.round((i * 1000) / check.capture.fps));
    // Playwright's multipart takes one value per name: the body is built by hand for the repeated "frames".
    const boundary = `----e2e${Date.now()}`;
    const parts: Buffer[] = [Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="timestamps"\r\n\r\n${JSON.stringify(timestamps)}\r\n`)];
    for (let i = 0; i < count; i++) {
      parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="frames"; filename="frame-${i}.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`), blank, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const res = await request.post(`/api/v1/registrations/${session.id}/video-checks/${check.checkId}`, {
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      data: Buffer.concat(parts),
      timeout: 120_000,
    });
    expect(res.ok(), await res.text()).toBeTruthy();
    const result = await res.json();
    expect(['RETRY', 'LOCKED']).toContain(result.outcome);
    if (result.outcome === 'LOCKED') return { lockedUntil: result.lockedUntil };
  }
  throw new Error('the video check never locked');
}

async function toCameraStep(page: Page, request: APIRequestContext, person: Citizen): Promise<Session> {
  await openWizard(page, 'ru');
  await passPhoneAndCode(page, request, 'ru', person.phone);
  await passIin(page, 'ru', person.iin);
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'camera.title') })).toBeVisible();
  return (await page.evaluate(`JSON.parse(sessionStorage.getItem('digital-id.registration'))`)) as Session;
}

async function expectLockPage(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'video.lockedTitle') })).toBeVisible();
  // The countdown reads like a clock ("14:59") and ticks.
  const countdown = page.getByRole('timer');
  await expect(countdown).toHaveText(/\b1[45]:\d\d\b/);
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first!, { timeout: 5000 });
  await expect(page.getByText(text('ru', 'video.lockedNext'))).toBeVisible();
  await expect(page).toHaveTitle(`${text('ru', 'app.step', { n: 5, total: 6 })} — ${text('ru', 'titles.locked')} · Digital ID`);
}

test.describe.configure({ mode: 'serial' });
const person = citizen('photos/d11.jpg');

test('after too many failed video checks a reload shows the lock and its countdown at once, with what to do next (ru)', async ({ page, request }, testInfo) => {
  test.setTimeout(240_000);
  await recordHeadings(page);
  const session = await toCameraStep(page, request, person);
  const { lockedUntil } = await failVideoChecks(request, session);
  const view = await (await request.get(`/api/v1/registrations/${session.id}`, { headers: { authorization: `Bearer ${session.token}` } })).json();
  expect(view.lockedUntil).toBe(lockedUntil);

  const mark = (await headingsSince(page, 0)).length;
  await page.reload();
  await expectLockPage(page);
  // Nothing else was shown on the way: no camera step, no recording.
  expect(await headingsSince(page, mark)).toEqual([text('ru', 'video.lockedTitle')]);
  await snap(page, testInfo, 'locked-after-reload');
});

test('a new registration for the same IIN and phone meets the same lock (ru)', async ({ page, request }, testInfo) => {
  // The lock is kept per person (IIN) and phone, not per registration.
  await recordHeadings(page);
  await openWizard(page, 'ru');
  await passPhoneAndCode(page, request, 'ru', person.phone);
  await passIin(page, 'ru', person.iin);
  await expectLockPage(page);
  expect(await headingsSince(page, 0)).not.toContain(text('ru', 'camera.title'));
  await snap(page, testInfo, 'locked-new-registration');
});
