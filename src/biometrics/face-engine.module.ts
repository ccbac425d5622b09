// The face engine's worker pool as a long-lived part of the server: created by the composition root,
// warmed up at start outside tests (so the first citizen's check does not wait for the models), and
// closed by it once HTTP has stopped.
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logging.js';
import { EnginePool } from './engine/engine.pool.js';

export function startFaceEngine(config: Config, logger: Logger): { engine: EnginePool; stop(): Promise<void> } {
  const vc = config.videoCheck;
  const engine = new EnginePool({ size: vc.poolSize, queueMax: vc.queueMaxFrames, taskTimeoutMs: vc.frameTimeoutMs, logger });
  // A shutdown while the models load is not an engine failure: no error then.
  let stopping = false;
  if (config.env !== 'test') void engine.start().catch((err) => stopping || logger.error({ err: { message: String(err?.message) } }, 'face engine unavailable'));
  return {
    engine,
    async stop() {
      stopping = true;
      await engine.close();
    },
  };
}
