// The face step-up over HTTP with the real face models: a signed-in citizen confirms their face against
// the registry photo of their Digital ID's IIN; a pass holds the session at assurance high for 15
// minutes. Challenges fixed to BLINK,TURN_LEFT so the recorded videos can perform them; the tests with
// real faces need the shared face data (FACE_DATA_DIR) and ffmpeg, and skip without them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { citizenWithDigitalId, signIn, type CitizenBrowser } from './support/citizen-session.js';
import { addCitizen, verifiedRegistration } from './support/citizens.js';
import { signedInStaff } from './support/staff-client.js';
import { runEvidenceRetention } from '../src/biometrics/evidence-retention.js';
import { makeJpeg } from './support/jpeg.js';
import { extractFrames, hasFfmpeg } from '../eval/face-data.js';
import { FACE_PIPELINE } from '../src/biometrics/match.rules.js';

const faceDir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
const haveFaces = fs.existsSync(path.join(faceDir, 'video')) && hasFfmpeg();
if (!haveFaces) console.warn(`step-up tests with real faces skipped: ${fs.existsSync(faceDir) ? 'ffmpeg not found' : `no face data at ${faceDir} (set FACE_DATA_DIR)`}`);

const server = useTestServer({
  OTP_SEND_LIMIT_PER_IP: '100000',
  SIGNIN_SEND_LIMIT_PER_IP: '100000',
  VIDEO_CHECK_ISSUE_LIMIT_PER_IP: '100000',
  VIDEO_CHECK_CHALLENGES: 'BLINK,TURN_LEFT',
});

const photo = (name: string) => fs.readFileSync(path.join(faceDir, 'registry', 'photos', `${name}.jpg`));
// At the server's capture rate (15 frames/s).
const video = (file: string, start: number, count: number) => extractFrames(path.join(faceDir, file), { fps: 15, count, startSeconds: start }).frames;
const plainFrames = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => makeJpeg({ colour: { r: 90 + i, g: 100, b: 110 } })));

/** A citizen with a Digital ID (registry photo `photo`) signed in with an SMS code: assurance low. */
async function signedInCitizen(options: { photo?: Buffer } = {}) {
  const citizen = await citizenWithDigitalId(server, options);
  const browser = await signIn(server, citizen.phone);
  const me = await browser.request('GET', '/api/v1/me');
  expect(me.status).toBe(200);
  const profile = await server.ctx.db.selectFrom('digital_profiles').select('id').where('iin', '=', citizen.iin).executeTakeFirstOrThrow();
  return { ...citizen, browser, profileId: profile.id };
}

/**
 * A citizen whose registration check showed `frames` against the registry photo `registryPhoto` of
 * another person: the check went to a moderator, who approved it. Signed in with a code.
 */
async function approvedByModerator(registryPhoto: Buffer, frames: Buffer[]) {
  const citizen = await addCitizen(server, { photo: registryPhoto });
  const { id, token } = await verifiedRegistration(server, citizen.phone);
  expect((await server.request('POST', `/api/v1/registrations/${id}/iin`, { token, body: { iin: citizen.iin } })).body.state).toBe('AWAITING_VIDEO_CHECK');
  const issued = await server.request('POST', `/api/v1/registrations/${id}/video-checks`, { token });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  const checked = await submitFrames(`/api/v1/registrations/${id}/video-checks/${issued.body.checkId}`, { authorization: `Bearer ${token}` }, frames);
  expect(checked.body).toMatchObject({ outcome: 'UNDER_REVIEW' });
  const moderationCase = await server.ctx.db.selectFrom('moderation_cases').select(['id', 'reasons']).where('registration_id', '=', id).executeTakeFirstOrThrow();
  expect(moderationCase.reasons).toEqual(['FACE_MISMATCH']);
  const moderator = await signedInStaff(server, 'moderator');
  const decided = await moderator.request('POST', `/api/v1/staff/moderation/cases/${moderationCase.id}/decision`, { body: { decision: 'approve', reason: 'registry_photo_outdated' } });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  const browser = await signIn(server, citizen.phone);
  const profile = await server.ctx.db.selectFrom('digital_profiles').select(['id', 'verification_method']).where('iin', '=', citizen.iin).executeTakeFirstOrThrow();
  expect(profile.verification_method).toBe('moderator');
  return { ...citizen, browser, profileId: profile.id, registrationCheckId: issued.body.checkId as string };
}

async function startStepUp(browser: CitizenBrowser) {
  const res = await browser.request('POST', '/api/v1/me/step-up');
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { checkId: string; challenges: string[]; capture: { minFrames: number; fps: number } };
}

async function submit(browser: CitizenBrowser, checkId: string, frames: Buffer[], options: { csrf?: boolean } = {}) {
  const headers: Record<string, string> = { 'user-agent': browser.userAgent };
  if (browser.cookie) headers.cookie = browser.cookie;
  if (browser.csrfToken && options.csrf !== false) headers['x-csrf-token'] = browser.csrfToken;
  return submitFrames(`/api/v1/me/step-up/${checkId}`, headers, frames);
}

async function submitFrames(path: string, headers: Record<string, string>, frames: Buffer[]) {
  const form = new FormData();
  frames.forEach((f, i) => form.append('frames', new Blob([f], { type: 'image/jpeg' }), `frame${i}.jpg`));
  form.append('timestamps', JSON.stringify(frames.map((_, i) => Math.round((i * 1000) / 15))));
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: form });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

async function activityTypes(browser: CitizenBrowser): Promise<string[]> {
  const res = await browser.request('GET', '/api/v1/me/activity');
  return (res.body.events as Array<{ type: string }>).map((e) => e.type);
}

describe(`face step-up on ${testDbKind}`, () => {
  it('a session opened with a code is at low: no full IIN, nothing until', async () => {
    const c = await signedInCitizen();
    const me = await c.browser.request('GET', '/api/v1/me');
    expect(me.body).toMatchObject({ assurance: 'low', assuranceUntil: null });
    expect(me.body.iinMasked).toMatch(/^\d{4}\*{6}\d{2}$/);
    expect(me.body).not.toHaveProperty('iin');
  });

  it('needs a session and the CSRF header', async () => {
    expect((await server.request('POST', '/api/v1/me/step-up')).status).toBe(401);
    const c = await signedInCitizen();
    const noCsrf = await c.browser.request('POST', '/api/v1/me/step-up', { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('SESSION_CSRF_FAILED');
    const { checkId } = await startStepUp(c.browser);
    const submitted = await submit(c.browser, checkId, await plainFrames(8), { csrf: false });
    expect(submitted.status).toBe(403);
    expect(submitted.body.error.code).toBe('SESSION_CSRF_FAILED');
  });

  it("issues the registration's challenges and capture limits; another session cannot submit the check", async () => {
    const c = await signedInCitizen();
    const check = await startStepUp(c.browser);
    expect(check.challenges).toEqual(['BLINK', 'TURN_LEFT']);
    expect(check.capture).toMatchObject({ minFrames: 8, fps: 15 });
    const other = await signIn(server, c.phone);
    const res = await submit(other, check.checkId, await plainFrames(8));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('VIDEO_CHECK_NOT_FOUND');
    expect(await activityTypes(c.browser)).toContain('step_up.started');
  });

  it('counts failed step-ups as the registration counts failed checks: the third locks for 15 minutes (423 LOCKED), audited', async () => {
    const c = await signedInCitizen();
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      const { checkId } = await startStepUp(c.browser);
      const res = await submit(c.browser, checkId, await plainFrames(8));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      outcomes.push(res.body);
    }
    expect(outcomes.map((o) => [o.outcome, o.attemptsLeft, o.assurance])).toEqual([
      ['RETRY', 2, 'low'],
      ['RETRY', 1, 'low'],
      ['LOCKED', 0, 'low'],
    ]);
    expect(outcomes[0].reasons).toContain('NO_FACE');
    const lockedUntil = Date.parse(outcomes[2].lockedUntil);
    expect(lockedUntil - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(lockedUntil - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const next = await c.browser.request('POST', '/api/v1/me/step-up');
    expect(next.status).toBe(423);
    expect(next.body.error).toMatchObject({ code: 'LOCKED', details: { lockedUntil: outcomes[2].lockedUntil, attemptsLeft: 0 } });
    expect(next.headers.get('retry-after')).toMatch(/^\d+$/);
    const types = await activityTypes(c.browser);
    expect(types.filter((t) => t === 'step_up.failed')).toHaveLength(2);
    expect(types).toContain('step_up.locked');
    // No images are kept for a step-up: its row holds scores and the trace only; no moderation case.
    const cases = await server.ctx.db.selectFrom('moderation_cases').select('id').where('registration_id', '=', c.registrationId).execute();
    expect(cases).toEqual([]);
  });

  describe.skipIf(!haveFaces)('with real faces', { timeout: 240_000 }, () => {
    it('the Digital ID holder passes against their registry photo: high for 15 minutes, the full IIN, then back to low', async () => {
      const c = await signedInCitizen({ photo: photo('d9') });
      const { checkId } = await startStepUp(c.browser);
      // d9 from 5.6 s: a blink in the first 3-s slot, a turn to the left in the second.
      const res = await submit(c.browser, checkId, video('video/d9.mp4', 5.6, 90));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ outcome: 'PASSED', reasons: [], attemptsLeft: 3, assurance: 'high' });
      const until = Date.parse(res.body.assuranceUntil);
      expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
      expect(until - Date.now()).toBeLessThanOrEqual(15 * 60_000);

      const me = await c.browser.request('GET', '/api/v1/me');
      expect(me.body).toMatchObject({ assurance: 'high', assuranceUntil: res.body.assuranceUntil, iin: c.iin });
      const sessions = await c.browser.request('GET', '/api/v1/me/sessions');
      expect(sessions.body.sessions.find((s: { current: boolean }) => s.current).assurance).toBe('high');
      expect((await activityTypes(c.browser)).slice(0, 2)).toEqual(['step_up.passed', 'step_up.started']);
      // The reference template the check computed is kept by the registry (as for a registration's check).
      const person = await server.ctx.db.selectFrom('registry_persons').select(['descriptor_version']).where('iin', '=', c.iin).executeTakeFirstOrThrow();
      expect(person.descriptor_version).toBe(FACE_PIPELINE.version);
      // Only the session that stepped up is high.
      const other = await signIn(server, c.phone);
      expect((await other.request('GET', '/api/v1/me')).body).toMatchObject({ assurance: 'low', assuranceUntil: null });

      // 15 minutes later (the clock moved by moving the stored time): back to the base assurance.
      await server.ctx.db
        .updateTable('citizen_sessions')
        .set({ high_assurance_until: new Date(Date.now() - 1000) })
        .where('profile_id', '=', c.profileId)
        .where('high_assurance_until', 'is not', null)
        .execute();
      const later = await c.browser.request('GET', '/api/v1/me');
      expect(later.body).toMatchObject({ assurance: 'low', assuranceUntil: null });
      expect(later.body).not.toHaveProperty('iin');
    });

    it("another person's face is a failure, not a moderator's case: told FACE_MISMATCH, it counts toward the lock", async () => {
      const c = await signedInCitizen({ photo: photo('d12') });
      const { checkId } = await startStepUp(c.browser);
      const res = await submit(c.browser, checkId, video('video/d9.mp4', 5.6, 90));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ outcome: 'RETRY', reasons: ['FACE_MISMATCH'], attemptsLeft: 2, assurance: 'low' });
      expect(await server.ctx.db.selectFrom('moderation_cases').select('id').where('registration_id', '=', c.registrationId).execute()).toEqual([]);
      const row = await server.ctx.db.selectFrom('video_checks').select(['outcome', 'similarity', 'profile_id']).where('id', '=', checkId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ outcome: 'RETRY', profile_id: c.profileId });
      expect(row.similarity).toBeLessThan(server.config.videoCheck.matchThreshold);
      // Two more failures lock.
      for (const expected of ['RETRY', 'LOCKED']) {
        const next = await startStepUp(c.browser);
        expect((await submit(c.browser, next.checkId, await plainFrames(8))).body.outcome).toBe(expected);
      }
      expect((await c.browser.request('GET', '/api/v1/me')).body.assurance).toBe('low');
    });

    it("a citizen a moderator approved (d9's face, another person's registry photo) steps up against the enrolled face; another face is FACE_MISMATCH", async () => {
      const c = await approvedByModerator(photo('d12'), video('video/d9.mp4', 5.6, 90));
      // The face the moderator accepted is the Digital ID's enrolment: encrypted, its pipeline version, kept
      // when the retention of video-check evidence runs, even long after the case.
      const enrolment = () => server.ctx.db.selectFrom('face_enrolments').selectAll().where('profile_id', '=', c.profileId).executeTakeFirst();
      expect(await enrolment()).toMatchObject({ video_check_id: c.registrationCheckId, pipeline_version: FACE_PIPELINE.version });
      await runEvidenceRetention(server.ctx, server.services.moderation, new Date(Date.now() + 3 * 365 * 86_400_000));
      expect((await enrolment())?.template_encrypted.length).toBeGreaterThan(4 * 1152);

      // Another person (s32), live (a passive check, as the fake camera of the e2e tests gives): the enrolled face does not match.
      const impostorCheck = await startStepUp(c.browser);
      await server.ctx.db.updateTable('video_checks').set({ challenges: JSON.stringify([]) }).where('id', '=', impostorCheck.checkId).execute();
      const impostor = await submit(c.browser, impostorCheck.checkId, video('video/s32.mp4', 0, 60));
      expect(impostor.status, JSON.stringify(impostor.body)).toBe(200);
      expect(impostor.body).toMatchObject({ outcome: 'RETRY', assurance: 'low' });
      expect(impostor.body.reasons).toContain('FACE_MISMATCH');

      // d9 again, another part of the recording (a turn, then a blink: the check is set to ask that order).
      const { checkId } = await startStepUp(c.browser);
      await server.ctx.db.updateTable('video_checks').set({ challenges: JSON.stringify(['TURN_LEFT', 'BLINK']) }).where('id', '=', checkId).execute();
      const res = await submit(c.browser, checkId, video('video/d9.mp4', 9.33, 90));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ outcome: 'PASSED', reasons: [], assurance: 'high' });
      expect((await c.browser.request('GET', '/api/v1/me')).body).toMatchObject({ assurance: 'high', iin: c.iin, registeredBy: 'moderator' });
      const audit = await server.ctx.db.selectFrom('audit_events').select(['type', 'details']).where('profile_id', '=', c.profileId).where('type', 'in', ['step_up.passed', 'step_up.failed']).orderBy('at').execute();
      expect(audit.map((a) => [a.type, (typeof a.details === 'string' ? JSON.parse(a.details) : a.details).reference])).toEqual([
        ['step_up.failed', 'enrolment'],
        ['step_up.passed', 'enrolment'],
      ]);
    });
  });
});
