// The registry import's `describeFace` hook: the reference photo's face descriptor, computed once on
// import (face-api's full path, see FaceEngine.describePhoto) by a one-worker engine pool.
// Usage: const d = createFaceDescriber(config); importFile(file, { describeFace: d.describeFace }); await d.close();
import type { Config } from '../platform/config.js';
import { EngineError, EnginePool } from './engine/engine.pool.js';

export interface FaceDescriber {
  /** null when the photo shows no face or is not a readable JPEG. */
  describeFace(jpeg: Buffer): Promise<Float32Array | null>;
  close(): Promise<void>;
}

export function createFaceDescriber(config: Config, options: { workers?: number } = {}): FaceDescriber {
  const pool = new EnginePool({ size: options.workers ?? 1, queueMax: 100_000, taskTimeoutMs: config.videoCheck.frameTimeoutMs });
  return {
    async describeFace(jpeg) {
      try {
        const d = await pool.run({ type: 'describePhoto', jpeg });
        return d ? Float32Array.from(d) : null;
      } catch (err) {
        if (err instanceof EngineError && err.kind === 'invalid_image') return null;
        throw err;
      }
    },
    close: () => pool.close(),
  };
}
