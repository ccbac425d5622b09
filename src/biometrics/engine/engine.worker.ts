// One face engine per worker thread: loads the models once, then answers tasks one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { createFaceEngine, InvalidImageError, type EngineOptions } from './face-engine.js';
import { runEngineTask } from './engine.tasks.js';
import type { WorkerRequest, WorkerResponse } from './engine.protocol.js';

const port = parentPort;
if (!port) throw new Error('engine.worker must run in a worker thread');
const send = (message: WorkerResponse) => port.postMessage(message);

const started = performance.now();
try {
  const engine = await createFaceEngine((workerData as { engine?: EngineOptions } | null)?.engine ?? {});
  send({ kind: 'ready', loadMs: Math.round(performance.now() - started) });
  port.on('message', async (request: WorkerRequest) => {
    const t0 = performance.now();
    try {
      const value = await runEngineTask(engine, request);
      send({ kind: 'result', id: request.id, value, ms: performance.now() - t0 });
    } catch (err) {
      send({ kind: 'error', id: request.id, invalidImage: err instanceof InvalidImageError, message: String((err as Error)?.message ?? err).slice(0, 300) });
    }
  });
} catch (err) {
  send({ kind: 'fatal', message: String((err as Error)?.message ?? err).slice(0, 500) });
}
