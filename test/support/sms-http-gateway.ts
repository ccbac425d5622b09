// A real HTTP SMS gateway on loopback (node:http) implementing docs/sms-http-contract.md.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayRequest {
  authorization: string | undefined;
  body: { to: string; text: string; id: string };
}

export interface TestSmsHttpGateway {
  url: string;
  requests: GatewayRequest[];
  /** Status codes to answer with, in order; once used up every request gets 200. */
  failWith(...statuses: number[]): void;
  /** Holds the answers to the following requests until `release()`. */
  hold(): { release(): void };
  waitForRequests(count: number, timeoutMs?: number): Promise<GatewayRequest[]>;
  close(): Promise<void>;
}

export async function startSmsHttpGateway(port = 0): Promise<TestSmsHttpGateway> {
  const requests: GatewayRequest[] = [];
  const queued: number[] = [];
  let held: Promise<void> = Promise.resolve();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += String(d)));
    req.on('end', async () => {
      const request: GatewayRequest = { authorization: req.headers.authorization, body: JSON.parse(raw) };
      requests.push(request);
      await held;
      const status = queued.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      // The gateway's id is derived from ours so tests know it in advance.
      res.end(status === 200 ? JSON.stringify({ messageId: `gw-${request.body.id}` }) : JSON.stringify({ error: 'try later' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/send`,
    requests,
    failWith: (...statuses) => queued.push(...statuses),
    hold() {
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      return { release };
    },
    async waitForRequests(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`gateway got ${requests.length} of ${count} requests`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return requests.slice(0, count);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
