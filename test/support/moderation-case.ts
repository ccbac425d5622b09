// Opens a moderation case as a failed face match leaves it (registration UNDER_REVIEW, case with
// encrypted evidence) through the moderation case store. Test set-up: the state is set directly, at
// whatever step the registration is, not through the transition table.
import { randomUUID } from 'node:crypto';
import { insertModerationCase } from '../../src/moderation/moderation-case.store.js';
import { makeJpeg } from './jpeg.js';
import type { TestServer } from './test-server.js';

export async function openTestModerationCase(server: TestServer, registrationId: string): Promise<string> {
  const id = randomUUID();
  const [reference, ...frames] = await Promise.all([
    makeJpeg({ colour: { r: 200, g: 160, b: 140 } }),
    makeJpeg({ colour: { r: 120, g: 90, b: 80 } }),
    makeJpeg({ colour: { r: 125, g: 95, b: 85 } }),
    makeJpeg({ colour: { r: 130, g: 100, b: 90 } }),
  ]);
  await server.ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('registrations').set({ state: 'UNDER_REVIEW' }).where('id', '=', registrationId).execute();
    await insertModerationCase(trx, server.config.encryptionKey, {
      id,
      registrationId,
      videoCheckId: null,
      similarity: 0.31,
      livenessScore: 0.93,
      reasons: ['face_mismatch'],
      evidence: {
        referencePhoto: reference.toString('base64'),
        frames: frames.map((f) => f.toString('base64')),
        scores: { similarity: 0.31, liveness: 0.93 },
        challengeTrace: [
          { challenge: 'turn_left', passed: true, atMs: 1200 },
          { challenge: 'blink', passed: true, atMs: 2600 },
        ],
      },
      now: new Date(),
    });
  });
  return id;
}
