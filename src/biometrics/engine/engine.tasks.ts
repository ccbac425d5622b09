// One engine task, as a worker runs it: the single place that maps a task to engine calls, used by
// the worker threads and by eval:faces (which so scores exactly what the server computes).
import type { EngineResultOf, EngineTask } from './engine.protocol.js';
import { decodeJpeg, type FaceEngine } from './face-engine.js';

export async function runEngineTask<T extends EngineTask>(engine: FaceEngine, task: T): Promise<EngineResultOf<T['type']>> {
  const jpeg = Buffer.from(task.jpeg.buffer, task.jpeg.byteOffset, task.jpeg.byteLength);
  let value: unknown;
  if (task.type === 'analyze') value = await engine.analyze(jpeg);
  else if (task.type === 'describe') value = Array.from(await engine.describe(await decodeJpeg(jpeg), (task as Extract<EngineTask, { type: 'describe' }>).face));
  else {
    const d = await engine.describePhoto(jpeg);
    value = { template: d.template ? Array.from(d.template) : null, measures: d.measures };
  }
  return value as EngineResultOf<T['type']>;
}
