// The real service as a child process (src/main.ts, as `npm start` runs it) on a free port, and the
// steady load the fault tests put on it.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { freePort } from '../../support/free-port.js';

export { freePort };

export interface ServiceLogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface ServiceProcess {
  url: string;
  /** JSON log lines (pino) and anything else the process printed. */
  logs: ServiceLogLine[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  signal(name: NodeJS.Signals): void;
  /** SIGKILL if still running. */
  kill(): Promise<void>;
}

export async function startService(env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: ServiceLogLine[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line));
    } catch {
      logs.push({ level: 30, msg: line });
    }
  });
  readline.createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, atMs: Date.now() })),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${stderr.join('\n')}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service not ready within the deadline: ${stderr.join('\n')}`);
    }
    await sleep(250);
  }
  return {
    url,
    logs,
    stderr,
    exit,
    signal: (name) => child.kill(name),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Answer {
  /** HTTP status, or 0 when no answer came (refused, reset, or no answer within the hang limit). */
  status: number;
  /** error.code of an error answer; 'HUNG' / 'NO_ANSWER' when there was none. */
  code: string | null;
  body: any;
  sentAt: number;
  ms: number;
}

/** One request with a hang limit: a request the service does not answer in time counts as hung. */
export async function call(url: string, method: string, path: string, options: { body?: unknown; token?: string; hangMs?: number } = {}): Promise<Answer> {
  const sentAt = Date.now();
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  try {
    const res = await fetch(url + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.hangMs ?? 15_000),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, code: body?.error?.code ?? null, body, sentAt, ms: Date.now() - sentAt };
  } catch (err) {
    const hung = (err as Error).name === 'TimeoutError';
    return { status: 0, code: hung ? 'HUNG' : 'NO_ANSWER', body: null, sentAt, ms: Date.now() - sentAt };
  }
}

export interface Load<T> {
  results: T[];
  stop(): Promise<T[]>;
}

/** Starts `task(i)` `perSecond` times a second until stopped; stop() waits for the ones under way. */
export function steadyLoad<T>(perSecond: number, task: (i: number) => Promise<T>): Load<T> {
  const results: T[] = [];
  const running = new Set<Promise<void>>();
  let i = 0;
  const timer = setInterval(() => {
    const p = task(i++).then((r) => {
      results.push(r);
    });
    running.add(p);
    void p.finally(() => running.delete(p));
  }, 1000 / perSecond);
  return {
    results,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...running]);
      return results;
    },
  };
}

let phoneCounter = 0;
const phoneBase = 1_000_000 + (process.pid % 90) * 100_000;
/** A fresh Kazakh mobile number per call (unique within the run: the per-phone send limit never trips). */
export function nextPhone(): string {
  phoneCounter++;
  return `+7701${String(phoneBase + phoneCounter).slice(-7)}`;
}
