// Runs one video check's frames through the engine pool and judges them: per-frame measures (all
// frames in parallel across the pool), the sequence rules, then the descriptors of the best frames
// fused and compared with the reference. Shared by the HTTP service and eval:liveness.
import type { Config } from '../platform/config.js';
import type { Challenge } from './challenges.rules.js';
import { EngineError, type EnginePool } from './engine/engine.pool.js';
import type { FrameAnalysis } from './engine/face-engine.js';
import { fuseDescriptors, templateSimilarity, type ReferenceMeasures, type ReferenceProblem, type ReferenceSource, type ReferenceTemplate } from './match.rules.js';
import { judgeSequence, type SequenceJudgement } from './video-check.rules.js';

export interface CheckAnalysis {
  frames: FrameAnalysis[];
  judgement: SequenceJudgement;
  /** Similarity of the fused best frames with the reference; null when not computed. */
  similarity: number | null;
  /** Why the reference photo could not be compared (set when it was looked at and is unusable). */
  reference?: { problems: ReferenceProblem[]; measures: ReferenceMeasures | null };
  /** What the frames were compared with (set when they were). */
  referenceSource?: ReferenceSource;
  /** The fused template of the best frames (set when they were described): a registration's enrolment. */
  probe?: Float32Array;
}


/**
 * How many of the best frames are described and fused for matching. Two, not three: the fused template
 * costs ~2× a frame's analysis per described frame, and eval:faces scored the same with two (FNMR at
 * FMR 0.01 % 8.0 % either way, pipeline 1) while the check stays within 1.5× of its time with face-api
 * alone. With pipeline 2 (dlib chip) no genuine video check of the shared data misses with two.
 */
export const MATCH_FRAMES = 2;

/** The frames whose templates are fused into a check's probe: the first MATCH_FRAMES of the best frames. */
export function framesToMatch(bestFrames: readonly number[]): number[] {
  return bestFrames.slice(0, MATCH_FRAMES);
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
 * check that will be retried anyway); an unusable reference photo is reported, not scored.
 */
export async function analyzeCheck(
  pool: Pick<EnginePool, 'run'>,
  config: Config['videoCheck'],
  input: { frames: Buffer[]; timestamps: number[]; challenges: readonly Challenge[]; reference: () => Promise<ReferenceTemplate> },
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
    ...framesToMatch(judgement.bestFrames).map((i) => {
      const { alignBox, landmarks } = frames[i].primary!;
      return pool.run({ type: 'describe', jpeg: input.frames[i], face: { alignBox, landmarks } });
    }),
  ]);
  const probe = fuseDescriptors(descriptors as number[][]);
  if (reference.template === null) return { frames, judgement, similarity: null, reference: { problems: reference.problems, measures: reference.measures }, probe };
  return { frames, judgement, similarity: templateSimilarity(probe, reference.template), referenceSource: reference.source ?? 'registry_photo', probe };
}
