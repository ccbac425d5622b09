// A registry that misbehaves on demand: a proxy in front of the real registry http server that passes
// requests on, answers them only after a delay, or accepts them and never answers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RegistryMode = 'pass' | 'slow' | 'silent';

export interface RegistryProxy {
  url: string;
  mode: RegistryMode;
  close(): Promise<void>;
}

export async function startRegistryProxy(upstream: string, slowMs: number): Promise<RegistryProxy> {
  const state = { mode: 'pass' as RegistryMode };
  const server = http.createServer((req, res) => {
    // The service gives up on a slow answer and resets the connection: that is the point, not an error.
    forward(req, res).catch(() => res.destroy());
  });
  const forward = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const mode = state.mode;
    if (mode === 'silent') return; // the socket stays open, no answer ever comes
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, slowMs));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const reply = await fetch(upstream + req.url, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const body = Buffer.from(await reply.arrayBuffer());
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    } catch {
      res.destroy();
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(value: RegistryMode) {
      state.mode = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
