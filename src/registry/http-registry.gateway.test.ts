// The http gateway against misbehaving registries: real HTTP peers on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpRegistryGateway } from './http-registry.gateway.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];

async function peer(handler: Handler): Promise<{ url: string; requests: Array<{ method: string; url: string; body: string }> }> {
  const requests: Array<{ method: string; url: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, body });
      handler(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const json = (status: number, body: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
};
const PERSON = { iin: '880312311013', lastName: 'Серікбаев', firstName: 'Асқар', middleName: null, birthDate: '1988-03-12', sex: 'M', hasPhoto: false };
const unavailable = expect.objectContaining({ name: 'AppError', code: 'REGISTRY_UNAVAILABLE' });

describe('http registry gateway', () => {
  it('sends the documented requests under the base URL, with the phone percent-encoded', async () => {
    const p = await peer((req, res) => (req.method === 'PUT' ? res.writeHead(204).end() : json(200, { phone: '+77011234501', iin: '880312311013' })(req, res)));
    const gateway = new HttpRegistryGateway({ baseUrl: `${p.url}/registry/v1/`, timeoutMs: 5000 });
    await gateway.isPhoneBoundToIin('+77011234501', '880312311013');
    await gateway.bindPhone('+77011234501', '880312311013');
    expect(p.requests).toEqual([
      { method: 'GET', url: '/registry/v1/bmg/%2B77011234501', body: '' },
      { method: 'PUT', url: '/registry/v1/bmg/%2B77011234501', body: '{"iin":"880312311013"}' },
    ]);
  });

  it('reads a person who has no middle name', async () => {
    const p = await peer(json(200, PERSON));
    expect(await new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 5000 }).findPerson('880312311013')).toEqual(PERSON);
  });

  it('turns a registry that does not answer in time into REGISTRY_UNAVAILABLE', async () => {
    const p = await peer(() => {
      /* never answers */
    });
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 200 }).findPerson('880312311013')).rejects.toEqual(unavailable);
  });

  it('turns a reply that stalls after its headers into REGISTRY_UNAVAILABLE', async () => {
    const p = await peer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.write(Buffer.from([0xff, 0xd8, 0xff]));
    });
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 300 }).getReferencePhoto('880312311013')).rejects.toEqual(unavailable);
  });

  it('refuses a reply larger than 10 MB while it streams in', async () => {
    const p = await peer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(1024 * 1024, 0xff);
      for (let i = 0; i < 11; i++) res.write(chunk);
      res.end();
    });
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 10_000 }).getReferencePhoto('880312311013')).rejects.toEqual(
      expect.objectContaining({ code: 'REGISTRY_UNAVAILABLE', details: { reason: 'reply too large' } }),
    );
  });

  it('turns a refused connection into REGISTRY_UNAVAILABLE', async () => {
    const p = await peer(json(200, PERSON));
    const s = servers.pop()!;
    await new Promise((r) => s.close(r));
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 2000 }).isPhoneBoundToIin('+77011234501', '880312311013')).rejects.toEqual(unavailable);
  });

  it.each<[string, Handler]>([
    ['a server error', json(500, { error: 'boom' })],
    ['a body that is not JSON', json(200, '<html>oops</html>')],
    ['a person without names', json(200, { ...PERSON, lastName: '' })],
    ['a person with another IIN', json(200, { ...PERSON, iin: '930725411027' })],
    ['a person with an unknown sex', json(200, { ...PERSON, sex: 'X' })],
    ['an unexpected status', json(302, {})],
  ])('turns %s for a person into REGISTRY_UNAVAILABLE', async (_name, handler) => {
    const p = await peer(handler);
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 5000 }).findPerson('880312311013')).rejects.toEqual(unavailable);
  });

  it('turns a photo that is not a JPEG into REGISTRY_UNAVAILABLE', async () => {
    const p = await peer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end('not a jpeg'));
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 5000 }).getReferencePhoto('880312311013')).rejects.toEqual(unavailable);
  });

  it('turns a BMG answer without an IIN into REGISTRY_UNAVAILABLE', async () => {
    const p = await peer(json(200, { phone: '+77011234501' }));
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 5000 }).isPhoneBoundToIin('+77011234501', '880312311013')).rejects.toEqual(unavailable);
  });

  it('maps 404 to "not found" answers and to PERSON_NOT_FOUND when binding', async () => {
    const p = await peer(json(404, { code: 'PERSON_NOT_FOUND' }));
    const gateway = new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 5000 });
    expect(await gateway.findPerson('880312311013')).toBeNull();
    expect(await gateway.getReferencePhoto('880312311013')).toBeNull();
    expect(await gateway.isPhoneBoundToIin('+77011234501', '880312311013')).toBe(false);
    await expect(gateway.bindPhone('+77011234501', '880312311013')).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND' });
  });

  it('refuses to bind invalid input without calling the registry', async () => {
    const p = await peer(json(204, ''));
    await expect(new HttpRegistryGateway({ baseUrl: p.url, timeoutMs: 5000 }).bindPhone('123', '880312311013')).rejects.toMatchObject({ code: 'PHONE_INVALID' });
    expect(p.requests).toEqual([]);
  });
});
