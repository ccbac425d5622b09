// Runs one video check's frames through the engine pool and judges them: per-frame measures (all
// frames in parallel across the pool), the sequence rules, then the descriptors of the best frames
// fused and compared with the reference. Shared by the HTTP service and eval:liveness.
import type { Config } from '../platform/config.js';
import type { Challenge } from './challenges.rules.js';
import { EngineError, type EnginePool } from './engine/engine.pool.js';
import type { FrameAnalysis } from './engine/face-engine.js';
import { cosineSimilarity, fuseDescriptors } from './match.rules.js';
import { judgeSequence, type SequenceJudgement } from './video-check.rules.js';

export interface CheckAnalysis {
  frames: FrameAnalysis[];
  judgement: SequenceJudgement;
  /** Cosine similarity of the fused best frames with the reference; null when not computed. */
  similarity: number | null;
}

export function judgementRules(config: Config['videoCheck']) {
  return {
    quality: config.quality,
    liveness: config.liveness,
    timestamps: { maxSpanMs: config.checkTtlSeconds * 1000 },
  };
}

/**
 * `reference` is awaited only when the sequence passes quality and liveness (no descriptor work for a
 * check that will be retried anyway); it resolves to null when there is no reference face.
 */
export async function analyzeCheck(
  pool: EnginePool,
  config: Config['videoCheck'],
  input: { frames: Buffer[]; timestamps: number[]; challenges: readonly Challenge[]; reference: () => Promise<ArrayLike<number> | null> },
): Promise<CheckAnalysis> {
  const frames = await Promise.all(
    input.frames.map((jpeg, i) =>
      pool.run({ type: 'analyze', jpeg }).catch((err: unknown) => {
        if (err instanceof EngineError) err.frameIndex = i;
        throw err;
      }),
    ),
  );
  const judgement = judgeSequence(frames, input.timestamps, input.challenges, judgementRules(config));
  if (!judgement.qualityPassed || !judgement.livenessPassed || judgement.bestFrames.length === 0) return { frames, judgement, similarity: null };
  const [reference, ...descriptors] = await Promise.all([
    input.reference(),
    ...judgement.bestFrames.map((i) => pool.run({ type: 'describe', jpeg: input.frames[i], box: frames[i].primary!.alignBox })),
  ]);
  const similarity = reference ? cosineSimilarity(fuseDescriptors(descriptors as number[][]), reference) : null;
  return { frames, judgement, similarity };
}
