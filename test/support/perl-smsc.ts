// Runs test/support/perl-smsc.pl (Debian's Net::SMPP) as an independent SMSC and reads its JSON events.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'perl-smsc.pl');

/** Why the Perl SMSC cannot run here, or null when it can. */
export function perlSmscUnavailable(): string | null {
  const probe = spawnSync('perl', ['-MNet::SMPP', '-MJSON::PP', '-e', '1'], { stdio: 'ignore' });
  if (probe.error) return 'perl is not installed';
  if (probe.status !== 0) return 'Net::SMPP is missing (apt-get install -y libnet-smpp-perl)';
  return null;
}

export interface PerlSmscEvent {
  event: 'listening' | 'bind' | 'message' | 'receipt' | 'unbind';
  /** When the event was read (epoch ms). */
  at: number;
  [key: string]: any;
}

export interface PerlSmsc {
  port: number;
  url: string;
  events: PerlSmscEvent[];
  messages(): PerlSmscEvent[];
  waitFor(predicate: (events: PerlSmscEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** `port` 0 = any free port; a fixed one lets a test bring the SMSC back where the client reconnects. */
export async function startPerlSmsc(systemId: string, password: string, listenPort = 0): Promise<PerlSmsc> {
  const child: ChildProcess = spawn('perl', [SCRIPT, String(listenPort), systemId, password], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: PerlSmscEvent[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const lines = readline.createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Perl SMSC did not start: ${stderr}`)), 10_000);
    child.once('exit', (code) => reject(new Error(`Perl SMSC exited (${code}): ${stderr}`)));
    lines.on('line', (line) => {
      const event: PerlSmscEvent = { ...JSON.parse(line), at: Date.now() };
      events.push(event);
      if (event.event === 'listening') {
        clearTimeout(timer);
        resolve(event.port);
      }
    });
  });
  return {
    port,
    url: `smpp://127.0.0.1:${port}`,
    events,
    messages: () => events.filter((e) => e.event === 'message'),
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline) throw new Error(`Perl SMSC events so far: ${JSON.stringify(events)}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
