// Issue 13, item 1: the phone field must turn every way people type a Kazakhstan number into the same,
// right number — typed key by key like a person does, or pasted — and the SMS must go to that number.
import { randomInt } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { newCode, openWizard, outboxMark, text } from './support.js';

// A fresh number per run: the dev outbox then holds only this test's codes for it.
const NATIONAL = `707${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
const E164 = `+7${NATIONAL}`;
const SHOWN = `+7 (${NATIONAL.slice(0, 3)}) ${NATIONAL.slice(3, 6)}-${NATIONAL.slice(6, 8)}-${NATIONAL.slice(8)}`;
const spaced = `${NATIONAL.slice(0, 3)} ${NATIONAL.slice(3, 6)} ${NATIONAL.slice(6, 8)} ${NATIONAL.slice(8)}`;

const TYPED_WAYS = [
  NATIONAL, // the 10 digits the hint shows
  `8${NATIONAL}`,
  `+7${NATIONAL}`,
  `7${NATIONAL}`,
  `8 ${spaced}`,
  `+7 (${NATIONAL.slice(0, 3)}) ${NATIONAL.slice(3, 6)}-${NATIONAL.slice(6, 8)}-${NATIONAL.slice(8)}`,
  `8 (${NATIONAL.slice(0, 3)}) ${NATIONAL.slice(3)}`,
  `+7 ${spaced}`,
];
const PASTED_WAYS = [`+7 ${spaced}`, `8${NATIONAL}`, `7${NATIONAL}`];

/** Submits the number shown and checks that the code went to the right phone; then back to the phone step. */
async function submitAndExpectSmsToTheRightPhone(page: Page, request: Parameters<typeof outboxMark>[0]): Promise<void> {
  const seen = await outboxMark(request, E164);
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/registrations'));
  await page.getByRole('button', { name: text('ru', 'phone.submit') }).click();
  expect((await sent).postDataJSON().phone).toBe(E164);
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'code.title') })).toBeVisible();
  await newCode(request, E164, seen);
  await page.getByRole('button', { name: text('ru', 'code.changePhone') }).click();
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'phone.title') })).toBeVisible();
}

async function clearField(page: Page): Promise<void> {
  const field = page.getByLabel(text('ru', 'phone.label'));
  await field.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await expect(field).toHaveValue('+7 (___) ___-__-__');
}

test('the phone field reads every way of typing a number key by key as the same number, and the SMS goes to it', async ({ page, request }) => {
  test.setTimeout(120_000);
  await openWizard(page, 'ru');
  const field = page.getByLabel(text('ru', 'phone.label'));
  for (const way of TYPED_WAYS) {
    await clearField(page);
    await page.keyboard.type(way, { delay: 15 });
    await expect(field, `typed "${way}"`).toHaveValue(SHOWN);
    await submitAndExpectSmsToTheRightPhone(page, request);
  }
});

test('the phone field reads a pasted number in any format, and backspace removes the last digit', async ({ page, request, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openWizard(page, 'ru');
  const field = page.getByLabel(text('ru', 'phone.label'));
  for (const way of PASTED_WAYS) {
    await clearField(page);
    await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(way)})`);
    await page.keyboard.press('ControlOrMeta+V');
    await expect(field, `pasted "${way}"`).toHaveValue(SHOWN);
  }
  await submitAndExpectSmsToTheRightPhone(page, request);
  await field.click();
  await field.press('End');
  await field.press('Backspace');
  await field.press('Backspace');
  await expect(field).toHaveValue(`${SHOWN.slice(0, -2)}__`);
  await page.getByRole('button', { name: text('ru', 'phone.submit') }).click();
  await expect(page.getByRole('alert').filter({ hasText: text('ru', 'phone.incomplete') })).toBeVisible();
  // A number that is not a Kazakhstan mobile (a landline code) is refused before anything is sent.
  await clearField(page);
  await page.keyboard.type('8 727 123 45 67', { delay: 15 });
  await page.getByRole('button', { name: text('ru', 'phone.submit') }).click();
  await expect(page.getByRole('alert').filter({ hasText: text('ru', 'errors.PHONE_INVALID') })).toBeVisible();
});
