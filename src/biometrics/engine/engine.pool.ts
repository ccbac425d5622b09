// A pool of face-engine worker threads (one engine each) with a bounded queue, so that the HTTP event
// loop stays free while frames are analysed. A task that runs too long gets its worker replaced; a
// worker that dies is replaced too: a bad frame can fail its own check, never stall the pool.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../platform/logging.js';
import type { EngineOptions } from './face-engine.js';
import type { EngineResultOf, EngineTask, WorkerRequest, WorkerResponse } from './engine.protocol.js';

export type EngineErrorKind = 'invalid_image' | 'timeout' | 'crashed' | 'unavailable';

export class EngineError extends Error {
  /** Set by callers that run many frames: which one failed. */
  frameIndex?: number;
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface EnginePoolOptions {
  size: number;
  /** Most tasks waiting for a worker; `admit` refuses beyond it. */
  queueMax: number;
  taskTimeoutMs: number;
  logger?: Logger;
  /** Options of each worker's engine (evaluation: the whole mesh, faceres). */
  engine?: EngineOptions;
}

interface Pending {
  request: WorkerRequest;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Pending | null;
  timer: NodeJS.Timeout | null;
}

const here = import.meta.url;
const workerEntry = new URL(here.endsWith('.ts') ? './engine.worker.ts' : './engine.worker.js', here).href;
const bootFile = fileURLToPath(new URL('./engine.worker-boot.mjs', here));

/** A reference photo may be larger than a frame (decoded up to 960 px, then analysed and described). */
const PHOTO_TIMEOUT_FACTOR = 4;

function timeoutOf(type: WorkerRequest['type'], frameTimeoutMs: number): number {
  return type === 'describePhoto' ? frameTimeoutMs * PHOTO_TIMEOUT_FACTOR : frameTimeoutMs;
}

export interface EnginePoolStats {
  size: number;
  ready: number;
  busy: number;
  queued: number;
  completed: number;
  replaced: number;
  /** Worker time of completed tasks, ms (the engine's own time, without queueing). */
  workerMs: number;
}

export class EnginePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private started = false;
  private closed = false;
  private readyWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];
  private consecutiveFatal = 0;
  private failure: Error | null = null;
  private readonly counters = { completed: 0, replaced: 0, workerMs: 0 };

  constructor(private readonly options: EnginePoolOptions) {}

  /** Starts the workers (idempotent) and resolves when at least one engine is ready. */
  start(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.options.size; i++) this.spawn();
    }
    if ([...this.slots].some((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Whether `tasks` more tasks fit in the queue now (admission control for a whole check). */
  admit(tasks: number): boolean {
    if (this.closed || this.failure) return false;
    const idle = [...this.slots].filter((s) => s.ready && !s.task).length;
    return this.queue.length + Math.max(0, tasks - idle) <= this.options.queueMax;
  }

  stats(): EnginePoolStats {
    const slots = [...this.slots];
    return {
      size: this.options.size,
      ready: slots.filter((s) => s.ready).length,
      busy: slots.filter((s) => s.task).length,
      queued: this.queue.length,
      ...this.counters,
    };
  }

  run<T extends EngineTask>(task: T): Promise<EngineResultOf<T['type']>> {
    if (this.closed) return Promise.reject(new EngineError('unavailable', 'engine pool is closed'));
    if (this.failure) return Promise.reject(new EngineError('unavailable', this.failure.message));
    if (!this.started) void this.start().catch(() => undefined);
    // Copy into a buffer of our own: it is transferred to the worker, and the caller keeps its bytes.
    const jpeg = new Uint8Array(task.jpeg.byteLength);
    jpeg.set(task.jpeg);
    const request = { ...task, jpeg, id: this.nextId++ } as WorkerRequest;
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new EngineError('unavailable', 'engine pool closed'));
    for (const w of this.readyWaiters.splice(0)) w.reject(new EngineError('unavailable', 'engine pool closed'));
    await Promise.all(
      [...this.slots].map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.task?.reject(new EngineError('unavailable', 'engine pool closed'));
        slot.task = null;
        await slot.worker.terminate();
      }),
    );
    this.slots.clear();
  }

  private spawn(): void {
    if (this.closed) return;
    const worker = new Worker(bootFile, {
      workerData: { entry: workerEntry, engine: this.options.engine ?? {} },
      // The WASM runtime prints its whole source on an uncaught error: keep worker stdio ours.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    this.slots.add(slot);
    worker.on('message', (message: WorkerResponse) => this.onMessage(slot, message));
    worker.on('error', (err) => this.options.logger?.warn({ err: { message: String(err?.message ?? err).slice(0, 300) } }, 'face engine worker error'));
    worker.on('exit', () => this.onExit(slot));
  }

  private onMessage(slot: Slot, message: WorkerResponse): void {
    switch (message.kind) {
      case 'ready':
        slot.ready = true;
        this.consecutiveFatal = 0;
        this.options.logger?.debug({ loadMs: message.loadMs }, 'face engine ready');
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.dispatch();
        return;
      case 'fatal':
        this.options.logger?.error({ reason: message.message }, 'face engine failed to load');
        this.consecutiveFatal++;
        void slot.worker.terminate();
        return;
      case 'result':
      case 'error': {
        const task = slot.task;
        if (!task || task.request.id !== message.id) return;
        if (slot.timer) clearTimeout(slot.timer);
        slot.task = null;
        slot.timer = null;
        if (message.kind === 'result') {
          this.counters.completed++;
          this.counters.workerMs += message.ms;
          task.resolve(message.value);
        } else {
          task.reject(new EngineError(message.invalidImage ? 'invalid_image' : 'crashed', message.message));
        }
        this.dispatch();
        return;
      }
    }
  }

  private onExit(slot: Slot): void {
    this.slots.delete(slot);
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.task) slot.task.reject(new EngineError('crashed', 'face engine worker stopped'));
    slot.task = null;
    if (this.closed) return;
    // A model that cannot load will not load on the next try either: give up after a few attempts.
    if (this.consecutiveFatal >= 3) {
      this.failure = new EngineError('unavailable', 'face engine could not be loaded');
      for (const p of this.queue.splice(0)) p.reject(this.failure);
      for (const w of this.readyWaiters.splice(0)) w.reject(this.failure);
      return;
    }
    this.counters.replaced++;
    this.spawn();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.task) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.timer = setTimeout(() => {
        // A stuck engine is replaced: its task fails, the rest of the queue goes on.
        this.options.logger?.warn({ type: task.request.type, timeoutMs: timeoutOf(task.request.type, this.options.taskTimeoutMs) }, 'face engine task timed out; replacing the worker');
        const t = slot.task;
        slot.task = null;
        t?.reject(new EngineError('timeout', 'face analysis timed out'));
        void slot.worker.terminate();
      }, timeoutOf(task.request.type, this.options.taskTimeoutMs));
      slot.worker.postMessage(task.request, [task.request.jpeg.buffer as ArrayBuffer]);
    }
  }
}
