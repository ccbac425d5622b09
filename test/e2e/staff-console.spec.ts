// The human side of the flow in the browser: a mismatched video check goes to a moderator who signs in
// with password + TOTP and decides; a BMG-update request from the virtual assistant goes to an operator.
// The staff accounts are made by run.mjs with `npm run staff:create` (E2E_STAFF).
import { randomInt } from 'node:crypto';
import { expect, test, type APIRequestContext, type Browser, type Page, type TestInfo } from '@playwright/test';
import { URI } from 'otpauth';
import { citizen, citizensWithoutPhoto, newCode, outboxMark, openWizard, passIin, passPhoneAndCode, reachReview, recordVideoCheck, snap, text, videoCheckApiPresent, type Language } from './support.js';
import { STAFF_TEXTS } from '../../web/src/staff/texts.js';
import { accountText, signInWithCode } from './account-support.js';

interface StaffAccount {
  login: string;
  role: string;
  oneTimePassword: string;
  totpUri: string;
}

function staffAccount(key: 'moderatorA' | 'moderatorB' | 'operator' | 'admin'): StaffAccount {
  const accounts = JSON.parse(process.env.E2E_STAFF || '{}') as Record<string, StaffAccount>;
  test.skip(!accounts[key], 'no staff accounts (run.mjs creates them with npm run staff:create unless E2E_SERVER_URL is set)');
  return accounts[key];
}

/** A staff console text with its {{placeholders}} filled. */
function staffText(language: Language, key: string, values: Record<string, string> = {}): string {
  const found = key.split('.').reduce<any>((node, part) => node?.[part], STAFF_TEXTS[language]);
  if (typeof found !== 'string') throw new Error(`no staff text ${key} in ${language}`);
  return found.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => values[name] ?? '');
}

function masked(phone: string): string {
  return `${phone.slice(0, 5)}***${phone.slice(-4)}`;
}

async function smsArrives(request: APIRequestContext, phone: string, purpose: string): Promise<string> {
  let body = '';
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
        const found = ((await res.json()).messages as Array<{ purpose: string; body: string }>).find((m) => m.purpose === purpose);
        body = found?.body ?? '';
        return body;
      },
      { message: `a ${purpose} SMS for ${phone}`, timeout: 20_000 },
    )
    .not.toBe('');
  return body;
}

/** Opens the console in its own browser context, signs in with password + TOTP and replaces the one-time password. */
async function signInToConsole(browser: Browser, testInfo: TestInfo, account: StaffAccount, language: Language): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  await page.goto(`/staff?lang=${language}`);
  await expect(page.getByRole('heading', { level: 1, name: staffText(language, 'login.heading') })).toBeVisible();
  await page.getByLabel(staffText(language, 'login.login')).fill(account.login);
  await page.getByLabel(staffText(language, 'login.password'), { exact: true }).fill(account.oneTimePassword);
  // A wrong code first: refused, nothing opens.
  const code = URI.parse(account.totpUri).generate();
  await page.getByLabel(staffText(language, 'login.totp')).fill(code.replace(/^./, (d) => String((Number(d) + 1) % 10)));
  await page.getByRole('button', { name: staffText(language, 'login.submit') }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await snap(page, testInfo, 'staff-login-wrong-code');
  await page.getByLabel(staffText(language, 'login.totp')).fill(code);
  await page.getByRole('button', { name: staffText(language, 'login.submit') }).click();
  await expect(page.getByRole('heading', { level: 1, name: staffText(language, 'password.heading') })).toBeVisible();
  await page.getByLabel(staffText(language, 'password.current')).fill(account.oneTimePassword);
  await page.getByLabel(staffText(language, 'password.next')).fill(`e2e passphrase ${randomInt(1e9)}`);
  await page.getByRole('button', { name: staffText(language, 'password.submit') }).click();
  await expect(page.getByText(staffText(language, 'nav.signedInAs', { login: account.login, role: staffText(language, `roles.${account.role}`) }))).toBeVisible();
  return page;
}

/** Raw keys and codes that must never reach a moderator's screen (issue 13, item 4). */
const RAW_KEYS = ['matchThreshold', 'passiveScore', 'activeScore', 'livenessScore', 'goodFrames', 'FACE_MISMATCH', 'NO_REFERENCE_FACE', 'TURN_LEFT', 'TURN_RIGHT', 'BLINK', 'atMs'];

/** The console on a phone: nothing wider than the screen, and the header's parts side by side or stacked, never on top of each other. */
async function expectUsableOnPhone(desk: Page): Promise<void> {
  await desk.setViewportSize({ width: 390, height: 844 });
  expect(await desk.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  const boxes = await Promise.all(['.brand', '.staff-nav', '.staff-user'].map(async (selector) => (await desk.locator(selector).count()) ? desk.locator(selector).boundingBox() : null));
  const present = boxes.filter((b): b is NonNullable<typeof b> => b !== null);
  for (let i = 0; i < present.length; i++) {
    for (let j = i + 1; j < present.length; j++) {
      const [a, b] = [present[i], present[j]];
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, 'header parts overlap at 390 px').toBe(false);
    }
  }
  await desk.setViewportSize({ width: 1280, height: 900 });
}

async function decideCase(browser: Browser, testInfo: TestInfo, account: StaffAccount, language: Language, phone: string, decision: 'approve' | 'reject', reason: string) {
  const desk = await signInToConsole(browser, testInfo, account, language);
  await expect(desk.getByRole('heading', { level: 1, name: staffText(language, 'cases.heading') })).toBeVisible();
  const row = desk.getByRole('row').filter({ hasText: masked(phone) });
  await expect(row).toBeVisible();
  // Time to the 24-hour target in the console's language ("осталось 23 ч 59 мин", "23 сағ 59 мин қалды").
  const hours = new Intl.NumberFormat(language === 'kk' ? 'kk-KZ' : language === 'ru' ? 'ru-RU' : 'en-GB', { style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(23);
  const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await expect(row).toContainText(new RegExp(escape(staffText(language, 'cases.left', { time: '@@' })).replace('@@', `${escape(hours).replace(/\s/g, "\\s")}\\s.+?`)));
  await expectUsableOnPhone(desk);
  await snap(desk, testInfo, 'moderation-queue');
  await row.getByRole('link', { name: staffText(language, 'cases.open') }).click();
  await expect(desk.getByRole('img', { name: staffText(language, 'case.reference') })).toBeVisible();
  // Every label in the moderator's language: the scores, why the case came, the citizen's language.
  await expect(desk.getByText(staffText(language, 'evidence.matchThreshold'), { exact: true })).toBeVisible();
  await expect(desk.getByText(staffText(language, 'checkReasons.FACE_MISMATCH'))).toBeVisible();
  const caseText = await desk.locator('main').innerText();
  for (const raw of RAW_KEYS) expect(caseText, `raw key ${raw} on the case view`).not.toContain(raw);
  await desk.getByRole('button', { name: staffText(language, 'common.claim') }).click();
  // No decision is pre-selected (issue 13, item 2).
  const approve = desk.getByRole('radio', { name: staffText(language, 'case.approve') });
  const reject = desk.getByRole('radio', { name: staffText(language, 'case.reject') });
  await expect(approve).not.toBeChecked();
  await expect(reject).not.toBeChecked();
  await expectUsableOnPhone(desk);
  await desk.getByRole('radio', { name: staffText(language, `case.${decision}`) }).check();
  await desk.getByLabel(staffText(language, 'case.reason')).selectOption(reason);
  await desk.getByLabel(staffText(language, 'case.note')).fill('E2E');
  await snap(desk, testInfo, `moderation-case-${decision}`);
  await desk.getByRole('button', { name: staffText(language, 'case.submit') }).click();
  if (decision === 'approve') {
    // Approving although the faces did not match asks once more; Cancel leaves the case open.
    const confirm = desk.getByRole('dialog', { name: staffText(language, 'case.confirmTitle') });
    await expect(confirm).toBeVisible();
    await snap(desk, testInfo, 'moderation-case-confirm-approve');
    await confirm.getByRole('button', { name: staffText(language, 'case.confirmNo') }).click();
    await expect(confirm).toBeHidden();
    await expect(approve).toBeChecked();
    await desk.getByRole('button', { name: staffText(language, 'case.submit') }).click();
    await confirm.getByRole('button', { name: staffText(language, 'case.confirmYes') }).click();
  }
  const status = staffText(language, `cases.status.${decision === 'approve' ? 'approved' : 'rejected'}`);
  await expect(desk.getByText(new RegExp(`${staffText(language, 'case.decided', { status, by: account.login, at: 'AT' }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('AT', '.+')}`))).toBeVisible();
  await snap(desk, testInfo, `moderation-case-${decision === 'approve' ? 'approved' : 'rejected'}`);
  await desk.context().close();
}

test.describe.configure({ mode: 'serial' });

test('a mismatched video check goes to a moderator who approves; the citizen gets an SMS and is registered (ru)', async ({ page, request, browser }, testInfo) => {
  test.setTimeout(600_000);
  const account = staffAccount('moderatorA');
  test.skip(!(await videoCheckApiPresent(request)), 'the video-check API is not deployed yet');
  // Someone else's face (the fake camera shows d12) in front of d14's registration.
  const person = citizen('photos/d14.jpg');
  await recordVideoCheck(page, request, testInfo, 'ru', person);
  await reachReview(page, 'ru');
  await decideCase(browser, testInfo, account, 'ru', person.phone, 'approve', 'registry_photo_outdated');
  expect(await smsArrives(request, person.phone, 'moderation_approved')).toContain('цифровой профиль создан');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: text('ru', 'done.title') })).toBeVisible();
  await snap(page, testInfo, 'citizen-completed');
});

test('the approved citizen blocks the Digital ID after losing the phone; an administrator finds it and unblocks it after the check; the citizen signs in again; at their request (the support centre) the administrator blocks it (ru)', async ({ page, request, browser }, testInfo) => {
  const account = staffAccount('admin');
  const person = citizen('photos/d14.jpg');
  const maskedIin = `${person.iin.slice(0, 4)}******${person.iin.slice(-2)}`;
  // Blocked with the sign-in code and the IIN (the page is tested in happy-path.spec.ts).
  const seen = await outboxMark(request, person.phone);
  const started = await request.post('/api/v1/sessions', { data: { phone: person.phone } });
  expect(started.status()).toBe(201);
  const { id } = await started.json();
  const blocked = await request.post(`/api/v1/sessions/${id}/block`, { data: { code: await newCode(request, person.phone, seen), iin: person.iin } });
  expect(blocked.status()).toBe(204);

  const desk = await signInToConsole(browser, testInfo, account, 'ru');
  await expect(desk.getByRole('heading', { level: 1, name: staffText('ru', 'digitalIds.heading') })).toBeVisible();
  const row = desk.getByRole('row').filter({ hasText: maskedIin });
  await expect(row).toContainText(masked(person.phone));
  await expect(row).toContainText(staffText('ru', 'digitalIds.via.sms_code'));
  await expect(desk.locator('main')).not.toContainText(person.iin);
  await expectUsableOnPhone(desk);
  await snap(desk, testInfo, 'digital-ids-blocked');

  // Found by the phone too; the unblock needs the IIN from the document (another one is refused), a reason and the check.
  await desk.getByLabel(staffText('ru', 'digitalIds.query')).fill(person.phone);
  await desk.getByRole('button', { name: staffText('ru', 'digitalIds.find') }).click();
  await expect(desk.getByRole('heading', { level: 1, name: staffText('ru', 'digitalIds.foundHeading') })).toBeVisible();
  await desk.getByRole('row').filter({ hasText: maskedIin }).getByRole('button', { name: staffText('ru', 'digitalIds.unblock') }).click();
  const submit = desk.getByRole('form').getByRole('button', { name: staffText('ru', 'digitalIds.unblockSubmit'), exact: true });
  await expect(submit).toBeDisabled();
  await desk.getByLabel(staffText('ru', 'digitalIds.documentIin')).fill(citizensWithoutPhoto()[0].iin);
  await desk.getByLabel(staffText('ru', 'digitalIds.note')).fill('Удостоверение личности проверено в ЦОН');
  await desk.getByLabel(staffText('ru', 'digitalIds.checked')).check();
  await submit.click();
  await expect(desk.getByRole('alert')).toHaveText(staffText('ru', 'digitalIds.iinOther'));
  await desk.getByLabel(staffText('ru', 'digitalIds.documentIin')).fill(person.iin);
  await snap(desk, testInfo, 'digital-ids-unblock-form');
  await submit.click();
  await expect(desk.getByText(staffText('ru', 'digitalIds.unblocked', { iin: maskedIin }))).toBeVisible();
  await expect(desk.getByRole('row').filter({ hasText: maskedIin })).toContainText(staffText('ru', 'digitalIds.active'));
  await expect(desk.getByRole('row').filter({ hasText: maskedIin })).toContainText(account.login);
  await snap(desk, testInfo, 'digital-ids-unblocked');
  expect(await smsArrives(request, person.phone, 'digital_id_unblocked')).toContain('разблокирован');

  await page.goto('/signin?lang=ru');
  await signInWithCode(page, request, 'ru', person.phone);
  await expect(page.getByRole('heading', { level: 1, name: accountText('ru', 'profile.title') })).toBeVisible();

  // The citizen calls the support centre (say, their number was changed without them): an administrator
  // blocks the Digital ID with the IIN and a note; the citizen's session ends at once.
  await desk.getByRole('row').filter({ hasText: maskedIin }).getByRole('button', { name: staffText('ru', 'digitalIds.block'), exact: true }).click();
  await desk.getByLabel(staffText('ru', 'digitalIds.documentIin')).fill(person.iin);
  await desk.getByLabel(staffText('ru', 'digitalIds.blockNote')).fill('Звонок в центр поддержки: номер сменили без него; личность подтверждена');
  await desk.getByLabel(staffText('ru', 'digitalIds.blockChecked')).check();
  await snap(desk, testInfo, 'digital-ids-block-form');
  await desk.getByRole('form').getByRole('button', { name: staffText('ru', 'digitalIds.blockSubmit'), exact: true }).click();
  await expect(desk.getByText(staffText('ru', 'digitalIds.blocked', { iin: maskedIin }))).toBeVisible();
  await expect(desk.getByRole('row').filter({ hasText: maskedIin })).toContainText(staffText('ru', 'digitalIds.via.staff', { by: account.login }));
  await snap(desk, testInfo, 'digital-ids-blocked-by-staff');
  await desk.context().close();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: accountText('ru', 'signin.title') })).toBeVisible();
});

test('a moderator rejects with a reason; the citizen gets the reason by SMS and sees the registration declined (kk)', async ({ page, request, browser }, testInfo) => {
  test.setTimeout(600_000);
  const account = staffAccount('moderatorB');
  test.skip(!(await videoCheckApiPresent(request)), 'the video-check API is not deployed yet');
  const person = citizen('photos/d10.jpg');
  await recordVideoCheck(page, request, testInfo, 'kk', person);
  await reachReview(page, 'kk');
  await decideCase(browser, testInfo, account, 'kk', person.phone, 'reject', 'different_person');
  expect(await smsArrives(request, person.phone, 'moderation_rejected')).toContain('бейнедегі адам тізілімдегі фотоға сәйкес емес');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: text('kk', 'rejected.title') })).toBeVisible();
  await snap(page, testInfo, 'citizen-rejected');
});

test('the virtual assistant’s request reaches an operator who links the phone in BMG; the citizen gets an SMS and continues (en)', async ({ page, request, browser }, testInfo) => {
  test.setTimeout(240_000);
  const account = staffAccount('operator');
  const [, person] = citizensWithoutPhoto();
  const phone = `+7707${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  await openWizard(page, 'en');
  await passPhoneAndCode(page, request, 'en', phone);
  await passIin(page, 'en', person.iin);
  await expect(page.getByRole('heading', { level: 1, name: text('en', 'bmg.title') })).toBeVisible();
  await page.getByRole('button', { name: text('en', 'assistant.button') }).click();
  await page.getByRole('button', { name: text('en', 'assistant.submit') }).click();
  await expect(page.getByText(/Request sent \(number [0-9A-F]{8}\)/)).toBeVisible();
  await snap(page, testInfo, 'citizen-assistant-sent');

  const desk = await signInToConsole(browser, testInfo, account, 'en');
  await expect(desk.getByRole('heading', { level: 1, name: staffText('en', 'tickets.heading') })).toBeVisible();
  const row = desk.getByRole('row').filter({ hasText: masked(phone) });
  await expect(row).toBeVisible();
  await snap(desk, testInfo, 'tickets-queue');
  await row.getByRole('link', { name: staffText('en', 'tickets.open') }).click();
  await expect(desk.getByText(person.iin)).toBeVisible();
  await desk.getByRole('button', { name: staffText('en', 'common.claim') }).click();
  const bind = desk.getByRole('button', { name: staffText('en', 'ticket.bind') });
  await expect(bind).toBeDisabled();
  for (const item of Object.keys(STAFF_TEXTS.en.ticket.checklist)) {
    await desk.getByLabel(staffText('en', `ticket.checklist.${item}`)).check();
  }
  await desk.getByLabel(staffText('en', 'ticket.note')).fill('ID card checked at the desk');
  await snap(desk, testInfo, 'ticket-checklist');
  await bind.click();
  await expect(desk.getByText(new RegExp(`Closed: ${staffText('en', 'tickets.status.resolved')} by ${account.login.replace('.', '\\.')}`))).toBeVisible();
  await snap(desk, testInfo, 'ticket-closed');
  await desk.context().close();

  expect(await smsArrives(request, phone, 'bmg_updated')).toContain('You can continue the registration');
  // The binding now holds: back in the wizard, the same registration passes the IIN step.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: text('en', 'iin.title') })).toBeVisible();
  await passIin(page, 'en', person.iin);
  await expect(page.getByRole('heading', { level: 1, name: text('en', 'camera.title') })).toBeVisible();
  await snap(page, testInfo, 'citizen-continues');
});
