// kill -9 during a burst of registrations: after a restart on the same data, every answered request
// is in the database and every SMS queued for it is sent.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from './support/free-port.js';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomPhone } from './support/citizens.js';
import { testDbKind } from './support/test-server.js';
import { createPostgresDatabase } from './support/test-database.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-crash-'));
let databaseUrl: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;
let child: ChildProcess | undefined;

async function startProcess(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      OTP_SEND_LIMIT_PER_IP: '1000000',
      SMS_SEND_EXPIRE_SECONDS: '5',
      QUEUE_MAINTENANCE_INTERVAL_SECONDS: '2',
      FACE_DATA_DIR: path.join(dataDir, 'no-faces'),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return proc;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not become ready');
}

afterAll(async () => {
  child?.kill('SIGKILL');
  await dropDatabase?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe(`crash safety on ${testDbKind}`, () => {
  it('keeps every answered registration and sends every queued code after kill -9 and restart', async () => {
    if (process.env.DATABASE_URL) {
      const created = await createPostgresDatabase(process.env.DATABASE_URL);
      databaseUrl = created.url;
      dropDatabase = created.drop;
    }
    const port = await freePort();
    child = await startProcess(port);
    const base = `http://127.0.0.1:${port}`;

    const answered: Array<{ id: string; token: string; phone: string }> = [];
    let killed = false;
    const burst = Array.from({ length: 150 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 4));
      const phone = randomPhone();
      try {
        const res = await fetch(`${base}/api/v1/registrations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone }) });
        if (res.status === 201) {
          const body = (await res.json()) as { id: string; token: string };
          answered.push({ id: body.id, token: body.token, phone });
          if (answered.length === 40 && !killed) {
            killed = true;
            child!.kill('SIGKILL');
          }
        }
      } catch {
        /* connection cut by the kill: not answered */
      }
    });
    await Promise.all(burst);
    expect(killed).toBe(true);
    await new Promise<void>((resolve) => (child!.exitCode !== null || child!.signalCode ? resolve() : child!.once('exit', () => resolve())));

    child = await startProcess(port);
    const deadline = Date.now() + 90_000;
    let pending: string[] = [];
    while (Date.now() < deadline) {
      pending = [];
      for (const a of answered) {
        const res = await fetch(`${base}/api/v1/dev/sms?phone=${encodeURIComponent(a.phone)}`);
        const { messages } = (await res.json()) as { messages: Array<{ purpose: string; status: string }> };
        const otp = messages.find((m) => m.purpose === 'otp');
        expect(otp, `the code SMS of an answered registration exists`).toBeDefined();
        if (otp!.status !== 'delivered' && otp!.status !== 'sent') pending.push(otp!.status);
      }
      if (pending.length === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(pending).toEqual([]);

    // every answered registration is there, its token still works, and its state is as answered
    for (const a of answered) {
      const res = await fetch(`${base}/api/v1/registrations/${a.id}`, { headers: { authorization: `Bearer ${a.token}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { state: string }).state).toBe('AWAITING_OTP');
    }
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    child = undefined;
  }, 400_000);
});
