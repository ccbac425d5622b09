// Reference photos → templates outside the HTTP flow (registry import and enrol): a one-worker engine
// pool running the same task the video check runs for a reference photo, so the stored template is
// the one the check would compute (same alignment, same pipeline version).
// Usage: const d = createFaceDescriber(config); importFile(file, { describeFace: d.describeFace, descriptorVersion: d.version }); await d.close();
import type { Config } from '../platform/config.js';
import { EngineError, EnginePool } from './engine/engine.pool.js';
import { assessReference, FACE_PIPELINE, type ReferenceTemplate } from './match.rules.js';

export interface FaceDescriber {
  /** The pipeline version of the templates (stored beside them). */
  readonly version: string;
  /** The photo's template, or why it cannot be compared (no face, too small, blurred; not a readable JPEG counts as no face). */
  describeReference(jpeg: Buffer): Promise<ReferenceTemplate>;
  /** The import's hook: the template of a usable photo, else null. */
  describeFace(jpeg: Buffer): Promise<Float32Array | null>;
  close(): Promise<void>;
}

export function createFaceDescriber(config: Config, options: { workers?: number } = {}): FaceDescriber {
  const pool = new EnginePool({ size: options.workers ?? 1, queueMax: 100_000, taskTimeoutMs: config.videoCheck.frameTimeoutMs });
  const describeReference = async (jpeg: Buffer): Promise<ReferenceTemplate> => {
    try {
      const described = await pool.run({ type: 'describePhoto', jpeg });
      return assessReference(described);
    } catch (err) {
      if (err instanceof EngineError && err.kind === 'invalid_image') return { template: null, problems: ['NO_FACE'], measures: null };
      throw err;
    }
  };
  return {
    version: FACE_PIPELINE.version,
    describeReference,
    async describeFace(jpeg) {
      const r = await describeReference(jpeg);
      return r.template ? Float32Array.from(r.template) : null;
    },
    close: () => pool.close(),
  };
}

/**
 * The import's `faces` option for the CLIs (`--describe-faces`): templates of usable photos are
 * stored with their version; unusable ones are counted by problem, for the operator to replace them.
 */
export function importFaces(describer: FaceDescriber): { faces: { version: string; describeFace(jpeg: Buffer): Promise<Float32Array | null> }; unusable: Map<string, number> } {
  const unusable = new Map<string, number>();
  return {
    unusable,
    faces: {
      version: describer.version,
      async describeFace(jpeg) {
        const r = await describer.describeReference(jpeg);
        if (r.template) return Float32Array.from(r.template);
        for (const p of r.problems) unusable.set(p, (unusable.get(p) ?? 0) + 1);
        return null;
      },
    },
  };
}

/** "2 reference photo(s) cannot be compared (BLURRY ×1, FACE_TOO_SMALL ×1): a moderator will see their checks." */
export function formatUnusable(unusable: Map<string, number>): string | null {
  if (unusable.size === 0) return null;
  const total = [...unusable.values()].reduce((a, b) => a + b, 0);
  return `reference photos that cannot be compared: ${[...unusable].map(([p, n]) => `${p} ×${n}`).join(', ')} (a photo may have two problems; ${total} in all): their video checks go to a moderator`;
}
