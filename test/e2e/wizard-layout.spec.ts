// Issue 13, items 6 and 7: on a small phone the video step fits the screen — the Start button, and
// while recording the challenge prompt and the progress, are visible next to the oval without
// scrolling; and the green assistant button never lies over the BMG page's text.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { citizen, citizensWithoutPhoto, openWizard, passIin, passPhoneAndCode, snap, text } from './support.js';

const SMALL = { width: 360, height: 640 };
const COMMON = { width: 390, height: 844 };

/** Inside the visible screen with the page scrolled to its top: seen without scrolling. */
async function expectOnFirstScreen(page: Page, element: Locator, what: string): Promise<void> {
  expect(await page.evaluate('window.scrollY'), `${what}: the page is not scrolled`).toBe(0);
  const box = (await element.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box.y, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what} ends on screen (${viewport.width}×${viewport.height})`).toBeLessThanOrEqual(viewport.height);
}

/** Within (or right below) the camera view: next to the oval, not somewhere down the page. */
async function expectNextToTheOval(page: Page, element: Locator, what: string): Promise<void> {
  const view = (await page.locator('.camera-view').boundingBox())!;
  const box = (await element.boundingBox())!;
  expect(box.y, `${what} is not above the camera view`).toBeGreaterThanOrEqual(view.y);
  expect(box.y, `${what} is at most a little below the camera view`).toBeLessThanOrEqual(view.y + view.height + 24);
}

test('on 360×640 and 390×844 the Start button, and while recording the prompt and progress, are on screen next to the oval (ru)', async ({ page, request }, testInfo) => {
  test.setTimeout(180_000);
  await page.setViewportSize(SMALL);
  const { phone, iin } = citizen('photos/d12.jpg');
  await openWizard(page, 'ru');
  await passPhoneAndCode(page, request, 'ru', phone);
  await passIin(page, 'ru', iin);
  await page.getByRole('button', { name: text('ru', 'camera.allow') }).click();
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'video.title') })).toBeVisible();
  const start = page.getByRole('button', { name: text('ru', 'video.start'), exact: true });
  for (const size of [SMALL, COMMON]) {
    await page.setViewportSize(size);
    await expectOnFirstScreen(page, start, 'the Start button');
    await expectNextToTheOval(page, start, 'the Start button');
    await expectOnFirstScreen(page, page.getByRole('status'), 'the guidance');
  }
  await page.setViewportSize(SMALL);
  await snap(page, testInfo, 'video-step');
  await page.setViewportSize(SMALL);
  // The submission itself is not what this test is about: stop it at the network (the recording, the
  // prompt and the progress are all before it).
  await page.route(/\/video-checks\/[0-9a-f-]{36}$/, (route) => route.abort());
  await expect(page.getByRole('status').filter({ hasText: text('ru', 'video.guidance.good') })).toBeVisible({ timeout: 90_000 });
  await start.click();
  const progress = page.getByRole('progressbar');
  await expect(progress).toBeVisible();
  const prompt = page.locator('.recording').getByRole('status');
  await expect(prompt).toHaveText(text('ru', 'video.challenge.HOLD'));
  await expectOnFirstScreen(page, prompt, 'the challenge prompt');
  await expectOnFirstScreen(page, progress, 'the progress');
  await expectNextToTheOval(page, prompt, 'the challenge prompt');
  await expectNextToTheOval(page, progress, 'the progress');
  await page.screenshot({ path: testInfo.outputPath('video-recording-360.png') });
});

// Browser-side: the text lines of the page that share the screen's band with the assistant button and
// can still be seen there (not hidden under something opaque).
const TEXT_BESIDE_THE_BUTTON = `(() => {
  const button = document.querySelector('.assistant-button').getBoundingClientRect();
  const seen = [];
  for (const root of document.querySelectorAll('main, footer')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const line of range.getClientRects()) {
        if (line.bottom <= button.top || line.top >= button.bottom || line.top >= innerHeight) continue;
        const y = Math.min(line.top + line.height / 2, innerHeight - 1);
        for (const x of [line.left + 2, (line.left + line.right) / 2, line.right - 2]) {
          const top = document.elementFromPoint(x, y);
          if (top && node.parentElement.contains(top)) seen.push(node.textContent.trim().slice(0, 40));
        }
      }
    }
  }
  return [...new Set(seen)];
})()`;

test('the green assistant button never lies over the BMG page’s text, at 360 and 390 px (kk)', async ({ page, request }, testInfo) => {
  const [someone, other] = citizensWithoutPhoto();
  await openWizard(page, 'kk');
  await passPhoneAndCode(page, request, 'kk', other.phone);
  await passIin(page, 'kk', someone.iin);
  await expect(page.getByRole('heading', { level: 1, name: text('kk', 'bmg.title') })).toBeVisible();
  const assistant = page.getByRole('button', { name: text('kk', 'assistant.button') });
  for (const size of [SMALL, COMMON]) {
    await page.setViewportSize(size);
    await page.evaluate('window.scrollTo(0, 0)');
    await expect(assistant).toBeVisible();
    expect(await page.evaluate(TEXT_BESIDE_THE_BUTTON), `text beside the assistant button at ${size.width} px`).toEqual([]);
    // At the end of the page, the last text and the "start again" button come out above the button's band.
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const band = (await page.locator('.assistant-dock').boundingBox())!;
    for (const last of [page.getByRole('button', { name: text('kk', 'common.startOver') }), page.getByRole('link', { name: new RegExp(text('kk', 'support.link')) })]) {
      const box = (await last.boundingBox())!;
      expect(box.y + box.height, 'the end of the page scrolls clear of the assistant').toBeLessThanOrEqual(band.y);
    }
  }
  await page.evaluate('window.scrollTo(0, 0)');
  await snap(page, testInfo, 'bmg-first-screen');
});
