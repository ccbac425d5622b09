// The Content-Security-Policy in the real browser: the wizard and its face guidance (Human on tfjs' WASM
// backend) run under it without a single violation, while an injected inline script is refused.
import { expect, test } from '@playwright/test';
import { citizen, openWizard, passIin, passPhoneAndCode, text } from './support.js';

test('the video step runs face guidance under the CSP with no violation, and inline scripts are refused', async ({ page, request }) => {
  // Page-side code as strings: this project type-checks without the DOM library.
  await page.addInitScript({
    content: "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
  });
  const home = await page.goto('/?lang=en');
  const csp = home?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');

  // A citizen no other browser test completes: the check is never submitted here.
  const person = citizen('photos/s18.jpg');
  await openWizard(page, 'en');
  await passPhoneAndCode(page, request, 'en', person.phone);
  await passIin(page, 'en', person.iin);
  await page.getByRole('button', { name: text('en', 'camera.allow') }).click();
  // The guidance reaches "good" only if the WASM face detector compiled and ran in the page.
  await expect(page.getByRole('status').filter({ hasText: text('en', 'video.guidance.good') })).toBeVisible({ timeout: 90_000 });
  expect(await page.evaluate('window.__cspViolations')).toEqual([]);

  const ranInline = await page.evaluate(
    "(async () => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true'; document.body.appendChild(s); await new Promise((r) => setTimeout(r, 200)); return window.__inlineRan === true; })()",
  );
  expect(ranInline).toBe(false);
  const violations = (await page.evaluate('window.__cspViolations')) as string[];
  expect(violations.some((v) => v.startsWith('script-src'))).toBe(true);
});
