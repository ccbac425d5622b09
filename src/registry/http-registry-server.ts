// Reference implementation of docs/registry-http-contract.md over the embedded registry. Tests run the
// http gateway against it on loopback; it also lets a demo run with REGISTRY_PROVIDER=http.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../platform/errors/app-error.js';
import type { EmbeddedRegistryGateway } from './embedded-registry.gateway.js';

const MAX_BODY_BYTES = 4096;

export interface RegistryHttpServer {
  url: string;
  close(): Promise<void>;
}

export async function startRegistryHttpServer(registry: EmbeddedRegistryGateway, options: { host?: string; port?: number } = {}): Promise<RegistryHttpServer> {
  const server = http.createServer((req, res) => {
    handle(registry, req, res).catch(() => send(res, 500, { code: 'INTERNAL_ERROR' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(registry: EmbeddedRegistryGateway, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry');
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return send(res, 400, { code: 'BAD_REQUEST', message: 'malformed percent-encoding in the path' });
  }
  const method = req.method ?? 'GET';

  if (parts.length === 1 && parts[0] === 'health' && method === 'GET') return send(res, 200, { status: 'ok' });

  if (parts[0] === 'persons' && (parts.length === 2 || (parts.length === 3 && parts[2] === 'photo'))) {
    if (method !== 'GET') return send(res, 405, { code: 'METHOD_NOT_ALLOWED' });
    const iin = parts[1];
    if (parts.length === 2) {
      const person = await registry.findPerson(iin);
      return person ? send(res, 200, person) : send(res, 404, { code: 'PERSON_NOT_FOUND' });
    }
    const photo = await registry.getReferencePhoto(iin);
    if (!photo) return send(res, 404, { code: 'PHOTO_NOT_FOUND' });
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': photo.length, 'cache-control': 'no-store' });
    res.end(photo);
    return;
  }

  if (parts[0] === 'bmg' && parts.length === 2) {
    const phone = parts[1];
    if (method === 'GET') {
      const iin = await registry.findPhoneOwner(phone);
      return iin ? send(res, 200, { phone, iin }) : send(res, 404, { code: 'BINDING_NOT_FOUND' });
    }
    if (method === 'PUT') {
      const body = await readJson(req);
      const iin = (body as { iin?: unknown } | null)?.iin;
      if (typeof iin !== 'string') return send(res, 400, { code: 'BAD_REQUEST', message: 'body must be {"iin": "<12 digits>"}' });
      try {
        await registry.bindPhone(phone, iin);
      } catch (err) {
        if (err instanceof AppError) return send(res, err.code === 'PERSON_NOT_FOUND' ? 404 : 422, { code: err.code });
        throw err;
      }
      res.writeHead(204).end();
      return;
    }
    return send(res, 405, { code: 'METHOD_NOT_ALLOWED' });
  }
  send(res, 404, { code: 'NOT_FOUND' });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
