// The video check over HTTP with the real face models: one server (and one engine pool) for the file.
// Challenges are fixed to BLINK,TURN_LEFT so recorded videos can perform them; the shared face data
// (FACE_DATA_DIR) and ffmpeg are needed for the tests with real faces, which skip without them.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { addCitizen, randomPhone, verifiedRegistration } from './support/citizens.js';
import { makeJpeg, makePng } from './support/jpeg.js';
import { extractFrames, hasFfmpeg } from '../eval/face-data.js';
import { FACE_PIPELINE } from '../src/biometrics/match.rules.js';
import { hmacSha256 } from '../src/platform/crypto.js';

const faceDir = process.env.FACE_DATA_DIR ?? path.resolve('../shared/faces');
const haveFaces = fs.existsSync(path.join(faceDir, 'video')) && hasFfmpeg();
if (!haveFaces) console.warn(`video-check tests with real faces skipped: ${fs.existsSync(faceDir) ? 'ffmpeg not found' : `no face data at ${faceDir} (set FACE_DATA_DIR)`}`);

const server = useTestServer({
  OTP_SEND_LIMIT_PER_IP: '100000',
  OTP_SEND_LIMIT_PER_PHONE: '1000',
  IIN_ATTEMPTS_PER_PHONE_PER_DAY: '1000',
  IIN_ATTEMPTS_PER_IP_PER_DAY: '100000',
  VIDEO_CHECK_ISSUE_LIMIT_PER_IP: '100000',
  VIDEO_CHECK_CHALLENGES: 'BLINK,TURN_LEFT',
});

/** A registration at the video-check step: a new citizen, or another registration of a given one. */
async function awaitingVideoCheck(photo?: Buffer, person?: { phone: string; iin: string }) {
  const { id, token, phone } = await verifiedRegistration(server, person?.phone);
  const iinOf = person?.iin ?? (await addCitizen(server, { phone, photo })).iin;
  const iin = await server.request('POST', `/api/v1/registrations/${id}/iin`, { token, body: { iin: iinOf } });
  expect(iin.body.state).toBe('AWAITING_VIDEO_CHECK');
  return { id, token, phone, iin: iinOf, answer: iin.body as { lockedUntil: string | null; attemptsLeft: number } };
}

/** Lets the lock of a person and phone run out (as 15 minutes would). */
async function expireLock(r: { phone: string; iin: string }) {
  for (const [kind, value] of [
    ['iin', r.iin],
    ['phone', r.phone],
  ] as const) {
    await server.ctx.db
      .updateTable('video_check_locks')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('subject_kind', '=', kind)
      .where('subject_hash', '=', hmacSha256(server.config.secretKey, 'video-check-subject', kind, value))
      .execute();
  }
}

const registrationOf = (r: { id: string; token: string }) => server.request('GET', `/api/v1/registrations/${r.id}`, { token: r.token });

async function issue(r: { id: string; token: string }) {
  const res = await server.request('POST', `/api/v1/registrations/${r.id}/video-checks`, { token: r.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { checkId: string; challenges: string[]; capture: { minFrames: number; maxFrames: number; maxFrameBytes: number; fps: number } };
}

async function submit(r: { id: string; token: string }, checkId: string, frames: Buffer[], timestamps: unknown = frames.map((_, i) => Math.round((i * 1000) / 15))) {
  const form = new FormData();
  frames.forEach((f, i) => form.append('frames', new Blob([f], { type: 'image/jpeg' }), `frame${i}.jpg`));
  form.append('timestamps', typeof timestamps === 'string' ? timestamps : JSON.stringify(timestamps));
  const res = await fetch(`${server.url}/api/v1/registrations/${r.id}/video-checks/${checkId}`, { method: 'POST', headers: { authorization: `Bearer ${r.token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

/**
 * An oversized upload sent as a browser sends it: the body streams in chunks and, as soon as the server
 * answers (it refuses before reading everything), the client stops sending and reads the answer. fetch
 * may instead report the server's early close as a network error, depending on timing.
 */
async function submitOversized(r: { id: string; token: string }, checkId: string, frames: Buffer[]) {
  const form = new FormData();
  frames.forEach((f, i) => form.append('frames', new Blob([f], { type: 'image/jpeg' }), `frame${i}.jpg`));
  form.append('timestamps', JSON.stringify(frames.map((_, i) => i * 66)));
  const encoded = new Request('http://localhost/', { method: 'POST', body: form });
  const body = Buffer.from(await encoded.arrayBuffer());
  const url = new URL(`${server.url}/api/v1/registrations/${r.id}/video-checks/${checkId}`);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    let answered = false;
    const req = http.request(
      url,
      { method: 'POST', headers: { authorization: `Bearer ${r.token}`, 'content-type': encoded.headers.get('content-type')!, 'content-length': body.length } },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        res.on('error', reject);
      },
    );
    // Once the answer is in, a reset of the rest of the upload is the server refusing it, as intended.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    let offset = 0;
    const CHUNK = 64 * 1024;
    const pump = () => {
      while (!answered && offset < body.length) {
        const chunk = body.subarray(offset, offset + CHUNK);
        offset += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const plainFrames = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => makeJpeg({ colour: { r: 90 + i, g: 100, b: 110 } })));
// At the server's capture rate (15 frames/s).
const video = (file: string, start: number, count: number) => extractFrames(path.join(faceDir, file), { fps: 15, count, startSeconds: start }).frames;
const photo = (name: string) => fs.readFileSync(path.join(faceDir, 'registry', 'photos', `${name}.jpg`));

describe(`video check API on ${testDbKind}`, () => {
  it('issues a single-use check with the configured challenges and capture limits', async () => {
    const r = await awaitingVideoCheck();
    const check = await issue(r);
    expect(check.challenges).toEqual(['BLINK', 'TURN_LEFT']);
    expect(check.capture).toMatchObject({ minFrames: 8, maxFrames: 96, fps: 15, challengeWindowMs: 3000, passiveMs: 4000 });
    expect((await server.request('POST', `/api/v1/registrations/${r.id}/video-checks`)).status).toBe(401);
  });

  describe('refuses malformed uploads with a 4xx code, never a 500', () => {
    it.each([
      ['garbage bytes', async () => [Buffer.from('definitely not an image'), ...(await plainFrames(7))], 415, 'FRAME_NOT_JPEG'],
      ['a PNG named .jpg', async () => [await makePng(), ...(await plainFrames(7))], 415, 'FRAME_NOT_JPEG'],
      ['too few frames', () => plainFrames(3), 400, 'TOO_FEW_FRAMES'],
    ])('%s', async (_label, frames, status, code) => {
      const r = await awaitingVideoCheck();
      const { checkId } = await issue(r);
      const res = await submit(r, checkId, await frames());
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
    });

    it('timestamps that are not one number per frame', async () => {
      const r = await awaitingVideoCheck();
      const { checkId } = await issue(r);
      const frames = await plainFrames(8);
      for (const ts of ['not json', JSON.stringify([1, 2, 3]), JSON.stringify(frames.map(() => 'x'))]) {
        const res = await submit(r, checkId, frames, ts);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('INVALID_TIMESTAMPS');
      }
    });

    it('a 50 MB upload', async () => {
      const r = await awaitingVideoCheck();
      const { checkId } = await issue(r);
      const res = await submitOversized(r, checkId, [Buffer.alloc(50 * 1024 * 1024, 0xff)]);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('BODY_TOO_LARGE');
    });

    it('a frame over the size limit', async () => {
      const r = await awaitingVideoCheck();
      const { checkId, capture } = await issue(r);
      const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(capture.maxFrameBytes + 10)]);
      const res = await submit(r, checkId, [big, ...(await plainFrames(7))]);
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('FRAME_TOO_LARGE');
    });

    it('10,000 frames', async () => {
      const r = await awaitingVideoCheck();
      const { checkId } = await issue(r);
      const tiny = await makeJpeg({ width: 8, height: 8 });
      const res = await submitOversized(r, checkId, Array.from({ length: 10_000 }, () => tiny));
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('TOO_MANY_FRAMES');
    });

    it('a JSON body instead of multipart', async () => {
      const r = await awaitingVideoCheck();
      const { checkId } = await issue(r);
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/video-checks/${checkId}`, { token: r.token, body: { frames: [] } });
      expect(res.status).toBe(415);
      const other = await server.request('POST', `/api/v1/registrations/${r.id}/video-checks/${checkId}`, { token: r.token, body: 'x', headers: { 'content-type': 'application/octet-stream' } });
      expect(other.status).toBe(415);
    });

    it('a truncated JPEG is refused and the engine keeps working', async () => {
      const r = await awaitingVideoCheck();
      const { checkId } = await issue(r);
      const frames = await plainFrames(8);
      frames[3] = frames[3].subarray(0, 40);
      const res = await submit(r, checkId, frames);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'INVALID_FRAME', details: { index: 3 } });
      // The same check can be submitted again with good frames: nothing was judged.
      const again = await submit(r, checkId, await plainFrames(8));
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ outcome: 'RETRY', reasons: expect.arrayContaining(['NO_FACE']) });
    });
  });

  it('answers a replayed check with 409 and locks the registration for 15 minutes after the third failed check', async () => {
    const r = await awaitingVideoCheck();
    const outcomes: any[] = [];
    for (let i = 0; i < 3; i++) {
      const { checkId } = await issue(r);
      const res = await submit(r, checkId, await plainFrames(8));
      expect(res.status).toBe(200);
      outcomes.push(res.body);
      if (i === 0) {
        const replay = await submit(r, checkId, await plainFrames(8));
        expect(replay.status).toBe(409);
        expect(replay.body.error.code).toBe('VIDEO_CHECK_USED');
      }
    }
    expect(outcomes.map((o) => [o.outcome, o.attemptsLeft])).toEqual([
      ['RETRY', 2],
      ['RETRY', 1],
      ['LOCKED', 0],
    ]);
    const lockedUntil = new Date(outcomes[2].lockedUntil).getTime();
    expect(Math.round((lockedUntil - Date.now()) / 60_000)).toBe(15);
    const next = await server.request('POST', `/api/v1/registrations/${r.id}/video-checks`, { token: r.token });
    expect(next.status).toBe(423);
    expect(next.body.error).toMatchObject({ code: 'LOCKED', details: { lockedUntil: outcomes[2].lockedUntil } });
    // Once the lock has run out the citizen may try again, with a fresh set of attempts.
    await expireLock(r);
    expect((await server.request('POST', `/api/v1/registrations/${r.id}/video-checks`, { token: r.token })).status).toBe(201);
    expect((await registrationOf(r)).body).toMatchObject({ lockedUntil: null, attemptsLeft: 3 });
  });

  it('judges at most VIDEO_CHECK_MAX_FAILED of ten checks issued and then submitted at once', async () => {
    const r = await awaitingVideoCheck();
    const checks: string[] = [];
    for (let i = 0; i < 10; i++) checks.push((await issue(r)).checkId);
    const frames = await plainFrames(8);
    const results = await Promise.all(checks.map((checkId) => submit(r, checkId, frames)));
    const judged = results.filter((res) => res.status === 200);
    expect(judged.length).toBeGreaterThanOrEqual(1);
    expect(judged.length).toBeLessThanOrEqual(server.config.videoCheck.maxFailedChecks);
    // Only the newest check is open: the nine before it were voided when it was issued.
    const refused = results.filter((res) => res.status !== 200);
    expect(refused.map((res) => [res.status, res.body.error.code])).toEqual(refused.map(() => [409, 'VIDEO_CHECK_SUPERSEDED']));
    expect(results[9].status).toBe(200);
  });

  it('counts failures per person: ten registrations of one citizen submitting at once get at most three judgements, and the lock they earn stays', async () => {
    const first = await awaitingVideoCheck();
    const registrations = [first];
    for (let i = 1; i < 10; i++) registrations.push(await awaitingVideoCheck(undefined, first));
    const checks: string[] = [];
    for (const r of registrations) checks.push((await issue(r)).checkId);
    const frames = await plainFrames(8);
    const results = await Promise.all(registrations.map((r, i) => submit(r, checks[i], frames)));

    const judged = results.filter((res) => res.status === 200);
    expect(judged.length).toBeLessThanOrEqual(server.config.videoCheck.maxFailedChecks);
    for (const res of results.filter((x) => x.status !== 200)) {
      expect([[409, 'VIDEO_CHECK_IN_PROGRESS'], [423, 'LOCKED']]).toContainEqual([res.status, res.body.error.code]);
    }
    const locked = judged.filter((res) => res.body.outcome === 'LOCKED');
    expect(locked).toHaveLength(1);
    const { lockedUntil } = locked[0].body;
    expect(Math.round((Date.parse(lockedUntil) - Date.now()) / 60_000)).toBe(15);
    // No later result shortened or cleared it: every registration of the person shows it and refuses a check.
    for (const r of registrations) {
      expect((await registrationOf(r)).body).toMatchObject({ lockedUntil, attemptsLeft: 0 });
      const next = await server.request('POST', `/api/v1/registrations/${r.id}/video-checks`, { token: r.token });
      expect(next.status).toBe(423);
      expect(next.body.error).toMatchObject({ code: 'LOCKED', details: { lockedUntil } });
    }
  });

  it('carries the used attempts and the lock over to a new registration of the same phone or IIN, and shows them at once', async () => {
    const a = await awaitingVideoCheck();
    expect(a.answer).toEqual(expect.objectContaining({ lockedUntil: null, attemptsLeft: 3 }));
    const failed = await submit(a, (await issue(a)).checkId, await plainFrames(8));
    expect(failed.body).toMatchObject({ outcome: 'RETRY', attemptsLeft: 2 });

    // The same person and phone start again: one failure is already used.
    const b = await awaitingVideoCheck(undefined, a);
    expect(b.answer).toMatchObject({ lockedUntil: null, attemptsLeft: 2 });
    expect((await registrationOf(b)).body).toMatchObject({ lockedUntil: null, attemptsLeft: 2 });
    await submit(b, (await issue(b)).checkId, await plainFrames(8));
    const lockedResult = await submit(b, (await issue(b)).checkId, await plainFrames(8));
    expect(lockedResult.body).toMatchObject({ outcome: 'LOCKED', attemptsLeft: 0 });

    // The same IIN with another phone bound to it in BMG: locked from the IIN step on.
    const otherPhone = randomPhone();
    await server.ctx.registry.bindPhone(otherPhone, a.iin);
    const c = await awaitingVideoCheck(undefined, { phone: otherPhone, iin: a.iin });
    expect(c.answer).toMatchObject({ lockedUntil: lockedResult.body.lockedUntil, attemptsLeft: 0 });
    expect((await registrationOf(c)).body).toMatchObject({ state: 'AWAITING_VIDEO_CHECK', lockedUntil: lockedResult.body.lockedUntil, attemptsLeft: 0 });
    expect((await server.request('POST', `/api/v1/registrations/${c.id}/video-checks`, { token: c.token })).status).toBe(423);
    // The same phone before any IIN (a new registration at the code step) already shows the lock.
    const started = await server.request('POST', '/api/v1/registrations', { body: { phone: a.phone } });
    expect((await registrationOf(started.body)).body).toMatchObject({ state: 'AWAITING_OTP', lockedUntil: lockedResult.body.lockedUntil, attemptsLeft: 0 });
  });

  it('keeps one open check per registration: issuing a new check voids the unsubmitted one', async () => {
    const r = await awaitingVideoCheck();
    const old = await issue(r);
    const current = await issue(r);
    const stale = await submit(r, old.checkId, await plainFrames(8));
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VIDEO_CHECK_SUPERSEDED');
    const res = await submit(r, current.checkId, await plainFrames(8));
    expect(res.status).toBe(200);
    const statuses = await server.ctx.db.selectFrom('video_checks').select(['id', 'status']).where('registration_id', '=', r.id).execute();
    expect(Object.fromEntries(statuses.map((c) => [c.id, c.status]))).toEqual({ [old.checkId]: 'abandoned', [current.checkId]: 'completed' });
  });

  describe.skipIf(!haveFaces)('with real faces', { timeout: 180_000 }, () => {
    it('passes the person of the video against their own reference photo and creates the digital profile', async () => {
      const r = await awaitingVideoCheck(photo('d9'));
      const { checkId } = await issue(r);
      // d9 from 5.6 s: a blink in the first 3-s slot, a turn to the left in the second (eval:liveness:events).
      const res = await submit(r, checkId, video('video/d9.mp4', 5.6, 90));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'PASSED', reasons: [], attemptsLeft: 3 });
      // The citizen is told by SMS, as when a moderator approves.
      const sms = await server.ctx.db.selectFrom('sms_messages').select(['purpose', 'language']).where('phone', '=', r.phone).where('purpose', '=', 'video_check_passed').execute();
      expect(sms).toEqual([{ purpose: 'video_check_passed', language: 'ru' }]);
      // The audit trail keeps which liveness signals decided, with values and thresholds.
      const audit = await server.ctx.db.selectFrom('audit_events').select('details').where('registration_id', '=', r.id).where('type', '=', 'video_check.completed').executeTakeFirstOrThrow();
      const details = (typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details) as { liveness: { mode: string; verdict: string; signals: Array<{ signal: string; threshold?: number }> } };
      expect(details.liveness).toMatchObject({ mode: 'active', verdict: 'live' });
      expect(details.liveness.signals).toContainEqual(expect.objectContaining({ signal: 'BLINK.eyeDetail', threshold: server.config.videoCheck.liveness.minEyeDetail }));
      expect(details.liveness.signals).toContainEqual(expect.objectContaining({ signal: 'TURN_LEFT.peripheryToNose', threshold: server.config.videoCheck.liveness.minPeripheryToNose }));
      const profile = await server.ctx.db.selectFrom('digital_profiles').select(['verification_method']).where('iin', '=', r.iin).executeTakeFirst();
      expect(profile?.verification_method).toBe('video_check');
      // The reference template was computed from the photo once and kept (encrypted) by the registry, with its pipeline version.
      const person = await server.ctx.db.selectFrom('registry_persons').select(['descriptor_encrypted', 'descriptor_version']).where('iin', '=', r.iin).executeTakeFirstOrThrow();
      expect(person.descriptor_encrypted).not.toBeNull();
      expect(person.descriptor_version).toBe(FACE_PIPELINE.version);
    });

    it("does not score a reference photo too blurred to compare: a moderator sees the check, with the photo's measures", async () => {
      const r = await awaitingVideoCheck(await sharp(photo('d9')).blur(8).jpeg().toBuffer());
      const { checkId } = await issue(r);
      const res = await submit(r, checkId, video('video/d9.mp4', 5.6, 90));
      expect(res.body).toEqual({ outcome: 'UNDER_REVIEW', reasons: [], attemptsLeft: 3 });
      const c = await server.ctx.db.selectFrom('moderation_cases').selectAll().where('registration_id', '=', r.id).executeTakeFirstOrThrow();
      expect(c).toMatchObject({ status: 'open', video_check_id: checkId, reasons: ['REFERENCE_UNUSABLE'], similarity: null });
      const check = await server.ctx.db.selectFrom('video_checks').select('trace').where('id', '=', checkId).executeTakeFirstOrThrow();
      expect((check.trace as any).scores.reference).toMatchObject({ problems: ['BLURRY'], measures: { faces: 1, sharpness: expect.any(Number) } });
      // Nothing is stored for a photo that cannot be compared.
      const person = await server.ctx.db.selectFrom('registry_persons').select('descriptor_encrypted').where('iin', '=', r.iin).executeTakeFirstOrThrow();
      expect(person.descriptor_encrypted).toBeNull();
    });

    it("sends a live face that does not match another person's reference to moderation and tells the citizen by SMS", async () => {
      const r = await awaitingVideoCheck(photo('d12'));
      const { checkId } = await issue(r);
      const res = await submit(r, checkId, video('video/d9.mp4', 5.6, 90));
      expect(res.body).toEqual({ outcome: 'UNDER_REVIEW', reasons: [], attemptsLeft: 3 });
      const reg = await server.ctx.db.selectFrom('registrations').select('state').where('id', '=', r.id).executeTakeFirstOrThrow();
      expect(reg.state).toBe('UNDER_REVIEW');
      const c = await server.ctx.db.selectFrom('moderation_cases').selectAll().where('registration_id', '=', r.id).executeTakeFirstOrThrow();
      expect(c).toMatchObject({ status: 'open', video_check_id: checkId, reasons: ['FACE_MISMATCH'] });
      expect(c.similarity).toBeLessThan(server.config.videoCheck.matchThreshold);
      expect(c.evidence_encrypted!.length).toBeGreaterThan(10_000);
      const sms = await server.ctx.db.selectFrom('sms_messages').select('purpose').where('phone', '=', r.phone).where('purpose', '=', 'video_check_under_review').execute();
      expect(sms).toHaveLength(1);
    });

    it('refuses a replay of the still reference photo with a head-turn challenge', async () => {
      const r = await awaitingVideoCheck(photo('d9'));
      const { checkId } = await issue(r);
      const res = await submit(r, checkId, video('spoof/still-replay-d9.mp4', 0, 60));
      expect(res.body).toMatchObject({ outcome: 'RETRY', reasons: ['CHALLENGE_NOT_MET'], attemptsLeft: 2 });
    });

    it('refuses a second face in the frame', async () => {
      const r = await awaitingVideoCheck(photo('d9'));
      const { checkId } = await issue(r);
      const res = await submit(r, checkId, video('spoof/two-faces-d9-d12.mp4', 0, 24));
      expect(res.body.outcome).toBe('RETRY');
      expect(res.body.reasons).toContain('MULTIPLE_FACES');
    });
  });
});
