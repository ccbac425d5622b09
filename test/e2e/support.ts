// Shared steps of the browser tests: the demo citizens, the SMS code from the dev outbox, the wizard's
// texts from its own catalogues (so a test fails when a text is missing, not when it is reworded).
import fs from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';
import en from '../../web/src/i18n/en.js';
import ru from '../../web/src/i18n/ru.js';
import kk from '../../web/src/i18n/kk.js';

export type Language = 'kk' | 'ru' | 'en';
export const LANGUAGES: Language[] = ['kk', 'ru', 'en'];
export const TEXTS = { en, ru, kk };

/** A catalogue text with its {{placeholders}} filled. */
export function text(language: Language, key: string, values: Record<string, string | number> = {}): string {
  const found = key.split('.').reduce<any>((node, part) => node?.[part], TEXTS[language]);
  if (typeof found !== 'string') throw new Error(`no text ${key} in ${language}`);
  return found.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(values[name] ?? `{{${name}}}`));
}

/** A catalogue text as a pattern where each placeholder matches anything. */
export function textPattern(language: Language, key: string): RegExp {
  const raw = text(language, key);
  const parts = raw.split(/\{\{\w+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(parts.join('.+?'));
}

export interface Citizen {
  iin: string;
  phone: string;
  photo: string;
}

/** The demo registry's citizens (../shared/faces/registry/citizens.csv), found by their photo. */
export function citizen(photo: string): Citizen {
  const dir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
  const [header, ...rows] = fs.readFileSync(path.join(dir, 'registry/citizens.csv'), 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  for (const row of rows) {
    const cells = row.split(',');
    const record = Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
    if (record.photo === photo) return { iin: record.iin, phone: record.phone, photo: record.photo };
  }
  throw new Error(`no demo citizen with photo ${photo}`);
}

export function citizensWithoutPhoto(): Citizen[] {
  const dir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
  const [, ...rows] = fs.readFileSync(path.join(dir, 'registry/citizens.csv'), 'utf8').trim().split(/\r?\n/);
  return rows.map((row) => row.split(',')).filter((cells) => !cells[7]).map((cells) => ({ iin: cells[0], phone: cells[1], photo: '' }));
}

async function outbox(request: APIRequestContext, phone: string): Promise<Array<{ id?: string; body: string }>> {
  const res = await request.get(`/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
  expect(res.ok(), 'the dev SMS outbox answers').toBeTruthy();
  return (await res.json()).messages;
}

/** Remembers the messages already sent to a phone, so the next code read is a new one. */
export async function outboxMark(request: APIRequestContext, phone: string): Promise<Set<string>> {
  return new Set((await outbox(request, phone)).map((m) => m.id ?? m.body));
}

export async function newCode(request: APIRequestContext, phone: string, seen: Set<string>): Promise<string> {
  let code: string | null = null;
  await expect
    .poll(
      async () => {
        const fresh = (await outbox(request, phone)).find((m) => !seen.has(m.id ?? m.body));
        code = fresh ? (/\b(\d{6})\b/.exec(fresh.body)?.[1] ?? null) : null;
        return code;
      },
      { message: `an SMS code for ${phone} in the dev outbox`, timeout: 15_000 },
    )
    .not.toBeNull();
  return code!;
}

/** The sizes each step is photographed at: small and common phones held upright, and a desktop. */
export const SCREEN_SIZES = [
  { name: '360', width: 360, height: 640 },
  { name: '390', width: 390, height: 844 },
  { name: '1280', width: 1280, height: 800 },
];

/** Photographs the page at 360, 390 and 1280 px wide (numbered, under the test's output folder), then restores the size. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const counter = ((testInfo as any).__snaps = ((testInfo as any).__snaps ?? 0) + 1);
  const original = page.viewportSize();
  const base = `${String(counter).padStart(2, '0')}-${name}`;
  for (const size of SCREEN_SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`${base}-${size.name}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

export async function openWizard(page: Page, language: Language): Promise<void> {
  await page.goto(`/?lang=${language}`);
  await expect(page.getByRole('heading', { level: 1, name: text(language, 'phone.title') })).toBeVisible();
}

/** Phone → SMS code → (returns on the IIN step). */
export async function passPhoneAndCode(page: Page, request: APIRequestContext, language: Language, phone: string): Promise<void> {
  const seen = await outboxMark(request, phone);
  await page.getByLabel(text(language, 'phone.label')).fill(phone);
  await page.getByRole('button', { name: text(language, 'phone.submit') }).click();
  await expect(page.getByRole('heading', { level: 1, name: text(language, 'code.title') })).toBeVisible();
  const code = await newCode(request, phone, seen);
  await page.getByLabel(text(language, 'code.label')).fill(code);
  await page.getByRole('button', { name: text(language, 'code.submit') }).click();
  await expect(page.getByRole('heading', { level: 1, name: text(language, 'iin.title') })).toBeVisible();
}

export async function passIin(page: Page, language: Language, iin: string): Promise<void> {
  await page.getByLabel(text(language, 'iin.label'), { exact: true }).fill(iin);
  await page.getByRole('button', { name: text(language, 'iin.submit') }).click();
}

/** Whether the video-check API is deployed: its route answers 401 without a token, not the generic 404. */
export async function videoCheckApiPresent(request: APIRequestContext): Promise<boolean> {
  const res = await request.post('/api/v1/registrations/00000000-0000-0000-0000-000000000000/video-checks');
  return res.status() !== 404 || (await res.json()).error?.code !== 'NOT_FOUND';
}

/** From the start page to a recorded video check; returns once the frames are sent. */
export async function recordVideoCheck(
  page: Page,
  request: APIRequestContext,
  testInfo: TestInfo,
  language: Language,
  person: Citizen,
  options: { photographRecording?: boolean } = {},
): Promise<void> {
  await openWizard(page, language);
  await passPhoneAndCode(page, request, language, person.phone);
  await passIin(page, language, person.iin);
  await expect(page.getByRole('heading', { level: 1, name: text(language, 'camera.title') })).toBeVisible();
  await snap(page, testInfo, 'camera');
  await page.getByRole('button', { name: text(language, 'camera.allow') }).click();
  await expect(page.getByRole('heading', { level: 1, name: text(language, 'video.title') })).toBeVisible();
  const start = page.getByRole('button', { name: text(language, 'video.start'), exact: true });
  // Start waits for the face detector (lazy-loaded) to see one face well placed in the oval.
  await expect(page.getByRole('status').filter({ hasText: text(language, 'video.guidance.good') })).toBeVisible({ timeout: 60_000 });
  await expect(start).toBeEnabled();
  await snap(page, testInfo, 'video-positioned');
  // Let the page settle after the desktop-size photo before the timed capture starts.
  await page.waitForTimeout(1000);
  await expect(start).toBeEnabled();
  await start.click();
  const recording = page.getByRole('progressbar');
  await expect(recording.or(page.getByText(text(language, 'video.sending')))).toBeVisible();
  // A screenshot pauses the page's rendering for a moment on a busy machine; the frames' timestamps then
  // show a gap and the server rightly refuses them (TIMESTAMPS_IMPLAUSIBLE). Only where the outcome
  // allows it, and only the visible screen.
  if (options.photographRecording && (await recording.isVisible())) await page.screenshot({ path: testInfo.outputPath('video-recording-phone.png') });
  await expect(recording).toBeHidden({ timeout: 60_000 });
  if (await page.getByText(text(language, 'video.sending')).isVisible()) await page.screenshot({ path: testInfo.outputPath('video-sending-phone.png') });
  await expect(page.getByText(text(language, 'video.sending'))).toBeHidden({ timeout: 120_000 });
}

/**
 * Waits for the review page. On this shared 2-core machine a recording is sometimes cut short (the
 * wizard offers a retry); the check is recorded again, within the attempts the wizard allows.
 */
export async function reachReview(page: Page, language: Language): Promise<void> {
  const review = page.getByRole('heading', { level: 1, name: text(language, 'video.reviewTitle') });
  const retry = page.getByRole('heading', { level: 2, name: text(language, 'video.retryTitle') });
  for (let attempt = 0; attempt < 2; attempt++) {
    await expect(review.or(retry)).toBeVisible({ timeout: 120_000 });
    if (await review.isVisible()) return;
    await page.getByRole('button', { name: text(language, 'video.retry') }).click();
    const start = page.getByRole('button', { name: text(language, 'video.start'), exact: true });
    await expect(start).toBeEnabled({ timeout: 60_000 });
    await start.click();
    await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 });
  }
  await expect(review).toBeVisible({ timeout: 120_000 });
}
