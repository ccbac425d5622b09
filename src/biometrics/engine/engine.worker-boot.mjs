// Worker entry: loads the TypeScript worker through tsx when the sources run uncompiled
// (Node 20 does not apply `--import tsx` hooks to a worker's own entry module).
import { workerData } from 'node:worker_threads';

const entry = workerData.entry;
if (entry.endsWith('.ts')) {
  const { tsImport } = await import('tsx/esm/api');
  await tsImport(entry, import.meta.url);
} else {
  await import(entry);
}
