// Shared steps of the sign-in and profile browser tests: their texts from the pages' own catalogue.
import fs from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { ACCOUNT_TEXTS } from '../../web/src/account/texts.js';
import { newCode, outboxMark, text, type Language } from './support.js';

/** A text of the "account" namespace (sign-in, profile); keys may contain dots inside the last part. */
export function accountText(language: Language, key: string, values: Record<string, string | number> = {}): string {
  let node: any = ACCOUNT_TEXTS[language];
  const parts = key.split('.');
  while (parts.length > 0 && typeof node === 'object') {
    // Activity types are keys with dots (session.started): take the longest key that exists.
    let taken = 1;
    for (let n = parts.length; n >= 1; n--) {
      if (parts.slice(0, n).join('.') in node) {
        taken = n;
        break;
      }
    }
    node = node[parts.slice(0, taken).join('.')];
    parts.splice(0, taken);
  }
  if (typeof node !== 'string') throw new Error(`no account text ${key} in ${language}`);
  return node.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => String(values[name] ?? `{{${name}}}`));
}

/** The registry's record of a demo citizen (names, birth date) by IIN. */
export function personOf(iin: string): { lastName: string; firstName: string; middleName: string; birthDate: string } {
  const dir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
  const [header, ...rows] = fs.readFileSync(path.join(dir, 'registry/citizens.csv'), 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  for (const row of rows) {
    const r = Object.fromEntries(row.split(',').map((cell, i) => [columns[i], cell]));
    if (r.iin === iin) return { lastName: r.last_name, firstName: r.first_name, middleName: r.middle_name, birthDate: r.birth_date };
  }
  throw new Error(`no demo citizen ${iin}`);
}

/** On the sign-in page: phone → the SMS code from the dev outbox → the profile. */
export async function signInWithCode(page: Page, request: APIRequestContext, language: Language, phone: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: accountText(language, 'signin.title') })).toBeVisible();
  const seen = await outboxMark(request, phone);
  await page.getByLabel(accountText(language, 'signin.phone')).fill(phone);
  await page.getByRole('button', { name: accountText(language, 'signin.submit') }).click();
  await expect(page.getByRole('heading', { level: 1, name: accountText(language, 'code.title') })).toBeVisible();
  const code = await newCode(request, phone, seen);
  await page.getByLabel(accountText(language, 'code.label')).fill(code);
  await page.getByRole('button', { name: accountText(language, 'code.submit'), exact: true }).click();
  await expect(page).toHaveURL(/\/profile/);
}

/**
 * Waits for the done page. On this shared 2-core machine a recording is sometimes cut short (the wizard
 * offers a retry); the check is recorded again, within the attempts the wizard allows (as reachReview).
 */
export async function reachDone(page: Page, language: Language): Promise<void> {
  const done = page.getByRole('heading', { level: 1, name: text(language, 'done.title') });
  const retry = page.getByRole('heading', { level: 2, name: text(language, 'video.retryTitle') });
  for (let attempt = 0; attempt < 2; attempt++) {
    await expect(done.or(retry)).toBeVisible({ timeout: 120_000 });
    if (await done.isVisible()) return;
    await page.getByRole('button', { name: text(language, 'video.retry') }).click();
    await pressStart(page, language);
    await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 });
  }
  await expect(done).toBeVisible({ timeout: 120_000 });
}

/**
 * Presses "Start" of the video step until the recording starts. A person who moves in the recording can
 * leave the oval between Playwright's enabled-check and its click: the click then meets a disabled button.
 */
export async function pressStart(page: Page, language: Language): Promise<void> {
  const start = page.getByRole('button', { name: text(language, 'video.start'), exact: true });
  const started = page.getByRole('progressbar').or(page.getByText(text(language, 'video.sending'))).or(page.getByText(text(language, 'common.sending')));
  for (let attempt = 0; attempt < 20 && !(await started.isVisible()); attempt++) {
    await expect(start.or(started)).toBeVisible({ timeout: 60_000 });
    if (await started.isVisible()) return;
    await expect(start).toBeEnabled({ timeout: 60_000 });
    await start.click({ timeout: 2_000 }).catch(() => undefined);
    await started.waitFor({ timeout: 2_000 }).catch(() => undefined);
  }
  await expect(started).toBeVisible();
}

/**
 * Chromium's virtual authenticator (CDP WebAuthn domain) on this page's tab: a platform authenticator
 * with resident keys and user verification, as a phone's or laptop's passkey provider. It keeps its
 * credentials across navigations of the tab.
 */
export async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return {
    /** false: the citizen fails or cancels the fingerprint/face/screen-lock check. */
    setUserVerified: (isUserVerified: boolean) => cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified }),
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  };
}

/** On the profile: "Add a passkey" → the device's prompt (the virtual authenticator) → the name → saved. */
export async function addPasskeyOnProfile(page: Page, language: Language, name: string): Promise<void> {
  const section = page.getByRole('region', { name: accountText(language, 'passkeys.title') });
  await section.getByRole('button', { name: accountText(language, 'passkeys.add') }).click();
  await expect(section.getByText(accountText(language, 'passkeys.added'))).toBeVisible();
  const field = section.getByLabel(accountText(language, 'passkeys.name'));
  await expect(field).toBeFocused();
  await field.fill(name);
  await section.getByRole('button', { name: accountText(language, 'passkeys.save') }).click();
  await expect(section.locator('.passkey-item').filter({ hasText: name })).toContainText(accountText(language, 'passkeys.neverUsed'));
}

/** On the sign-in page: "Sign in with a passkey" → the device's prompt → the profile. */
export async function signInWithPasskey(page: Page, language: Language): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: accountText(language, 'signin.title') })).toBeVisible();
  await page.getByRole('button', { name: accountText(language, 'passkeys.signin') }).click();
  await expect(page).toHaveURL(/\/profile/);
  await expect(page.getByRole('heading', { level: 1, name: accountText(language, 'profile.title') })).toBeVisible();
}
