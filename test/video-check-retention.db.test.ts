// Evidence retention: decided cases lose their evidence after the retention period; checks left
// unsubmitted are marked abandoned. The job's body is run directly (pg-boss schedules it hourly).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { insertModerationCase } from '../src/moderation/moderation-case.store.js';
import { insertVideoCheck } from '../src/biometrics/video-check.store.js';
import { runEvidenceRetention } from '../src/biometrics/evidence-retention.js';
import { keepEnrolment } from '../src/biometrics/face-enrolment.store.js';

const server = useTestServer();

async function registration(): Promise<string> {
  const id = randomUUID();
  await server.ctx.db
    .insertInto('registrations')
    .values({ id, token_hash: Buffer.from(randomUUID()), state: 'UNDER_REVIEW', phone: '+77011234567', language: 'ru', expires_at: new Date(Date.now() + 3600_000), created_at: new Date(), updated_at: new Date() })
    .execute();
  return id;
}

async function openCase(registrationId: string, now: Date): Promise<string> {
  const id = randomUUID();
  const evidence = { referencePhoto: 'AAAA', frames: ['BBBB'], scores: { similarity: 0.5 }, challengeTrace: [] };
  await insertModerationCase(server.ctx.db, server.config.encryptionKey, { id, registrationId, videoCheckId: null, similarity: 0.5, livenessScore: 0.9, reasons: ['FACE_MISMATCH'], evidence, now });
  return id;
}

describe(`video check evidence retention on ${testDbKind}`, () => {
  it('deletes the evidence of decided cases after their retention period and keeps the rest', async () => {
    const now = new Date();
    const expired = await openCase(await registration(), now);
    const kept = await openCase(await registration(), now);
    const open = await openCase(await registration(), now);
    await server.ctx.db.updateTable('moderation_cases').set({ status: 'approved', decided_at: now, evidence_delete_after: new Date(now.getTime() - 1000) }).where('id', '=', expired).execute();
    await server.ctx.db.updateTable('moderation_cases').set({ status: 'rejected', decided_at: now, evidence_delete_after: new Date(now.getTime() + 86_400_000) }).where('id', '=', kept).execute();

    const result = await runEvidenceRetention(server.ctx, server.services.moderation, now);
    expect(result.decided).toBe(1);
    const rows = await server.ctx.db.selectFrom('moderation_cases').select(['id', 'evidence_encrypted', 'evidence_deleted_at']).where('id', 'in', [expired, kept, open]).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(expired)).toMatchObject({ evidence_encrypted: null });
    expect(byId.get(expired)!.evidence_deleted_at).not.toBeNull();
    expect(byId.get(kept)!.evidence_encrypted).not.toBeNull();
    expect(byId.get(open)!.evidence_encrypted).not.toBeNull();
  });

  it('deletes the evidence of cases left open far beyond the retention period, and marks unsubmitted checks abandoned', async () => {
    const longAgo = new Date(Date.now() - 2 * (server.config.videoCheck.evidenceRetentionDays + 1) * 86_400_000);
    const reg = await registration();
    const stale = await openCase(reg, longAgo);
    const checkId = randomUUID();
    await insertVideoCheck(server.ctx.db, { id: checkId, owner: { kind: 'registration', registrationId: reg }, challenges: ['BLINK'], clientIp: '127.0.0.1', now: longAgo, expiresAt: new Date(longAgo.getTime() + 180_000) });
    const result = await runEvidenceRetention(server.ctx, server.services.moderation);
    expect(result.abandonedCases).toBeGreaterThanOrEqual(1);
    const c = await server.ctx.db.selectFrom('moderation_cases').select('evidence_encrypted').where('id', '=', stale).executeTakeFirstOrThrow();
    expect(c.evidence_encrypted).toBeNull();
    const check = await server.ctx.db.selectFrom('video_checks').select('status').where('id', '=', checkId).executeTakeFirstOrThrow();
    expect(check.status).toBe('abandoned');
  });

  it('deletes the failure-count and lock rows that no longer count, and keeps a lock in force and fresh failures', async () => {
    const now = new Date();
    const hours = (n: number) => new Date(now.getTime() + n * 3600_000);
    const rows = {
      lockRunOut: { failed_checks: 3, locked_until: hours(-1), updated_at: hours(-2) },
      lockInForce: { failed_checks: 3, locked_until: hours(0.2), updated_at: hours(-0.05) },
      failureToday: { failed_checks: 2, locked_until: null, updated_at: hours(-23) },
      failureForgotten: { failed_checks: 2, locked_until: null, updated_at: hours(-25) },
    };
    const hashes = new Map<string, Buffer>();
    for (const [name, row] of Object.entries(rows)) {
      const hash = Buffer.from(randomUUID());
      hashes.set(name, hash);
      await server.ctx.db.insertInto('video_check_locks').values({ subject_kind: 'iin', subject_hash: hash, ...row }).execute();
    }
    const result = await runEvidenceRetention(server.ctx, server.services.moderation, now);
    expect(result.spentLocks).toBeGreaterThanOrEqual(2);
    const left = await server.ctx.db.selectFrom('video_check_locks').select('subject_hash').where('subject_hash', 'in', [...hashes.values()]).execute();
    const leftNames = [...hashes].filter(([, hash]) => left.some((r) => Buffer.compare(r.subject_hash, hash) === 0)).map(([name]) => name);
    expect(leftNames.sort()).toEqual(['failureToday', 'lockInForce']);
  });

  it("keeps a Digital ID's enrolled face however old (its step-up reference), and deletes the face of a registration never decided", async () => {
    const longAgo = new Date(Date.now() - 3 * (server.config.videoCheck.evidenceRetentionDays + 1) * 86_400_000);
    const enrol = async (registrationId: string) =>
      keepEnrolment(server.ctx.db, server.config.encryptionKey, { registrationId, videoCheckId: randomUUID(), template: [0.1, 0.2], pipelineVersion: 'test/1', now: longAgo });
    const [completed, undecided] = [await registration(), await registration()];
    await enrol(completed);
    await enrol(undecided);
    const profileId = randomUUID();
    await server.ctx.db.insertInto('digital_profiles').values({ id: profileId, iin: '900101300017', phone: `+7701${String(Date.now()).slice(-7)}`, registration_id: completed, verification_method: 'moderator', created_at: longAgo }).execute();
    await server.ctx.db.updateTable('face_enrolments').set({ profile_id: profileId }).where('registration_id', '=', completed).execute();

    const result = await runEvidenceRetention(server.ctx, server.services.moderation);
    expect(result.undecidedEnrolments).toBe(1);
    const left = await server.ctx.db.selectFrom('face_enrolments').select(['registration_id', 'profile_id']).where('registration_id', 'in', [completed, undecided]).execute();
    expect(left).toEqual([{ registration_id: completed, profile_id: profileId }]);
  });
});
