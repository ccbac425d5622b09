// Messages between the engine pool (main thread) and its workers.
import type { FaceGeometry } from './face-descriptors.js';
import type { FrameAnalysis } from './face-engine.js';
import type { ReferenceMeasures } from '../match.rules.js';

export type EngineTask =
  | { type: 'analyze'; jpeg: Uint8Array }
  | { type: 'describe'; jpeg: Uint8Array; face: FaceGeometry }
  | { type: 'describePhoto'; jpeg: Uint8Array };

export type EngineResultOf<T extends EngineTask['type']> = T extends 'analyze'
  ? FrameAnalysis
  : T extends 'describe'
    ? number[]
    : { template: number[] | null; measures: ReferenceMeasures };

export type WorkerRequest = EngineTask & { id: number };

export type WorkerResponse =
  | { kind: 'ready'; loadMs: number }
  | { kind: 'fatal'; message: string }
  | { kind: 'result'; id: number; value: unknown; ms: number }
  | { kind: 'error'; id: number; invalidImage: boolean; message: string };
