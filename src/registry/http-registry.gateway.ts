// The registries behind REGISTRY_URL, spoken to with the JSON contract in docs/registry-http-contract.md.
// Anything but a clear answer (timeout, refused connection, 5xx, a body that breaks the contract)
// becomes REGISTRY_UNAVAILABLE: the flow tells the person to retry later instead of guessing.
import { AppError } from '../platform/errors/app-error.js';
import type { RegistryGateway, RegistryPerson } from './registry.gateway.js';
import { assertBindable, isJpeg } from './registry.rules.js';

/** Photos are the largest replies; anything bigger is refused while it streams in. */
const MAX_REPLY_BYTES = 10 * 1024 * 1024;

export interface HttpRegistryOptions {
  baseUrl: string;
  timeoutMs: number;
}

// Strings that cannot be an IIN or an E.164 phone are unknown by definition: no request, and no odd
// paths such as "/persons/.." reaching the registry.
const IIN_SHAPE = /^\d{12}$/;
const PHONE_SHAPE = /^\+\d{11}$/;

type Reply = { status: number; body: Buffer; contentType: string };

export class HttpRegistryGateway implements RegistryGateway {
  readonly kind = 'http' as const;
  readonly checksInDatabase = false;
  private readonly base: string;

  constructor(private readonly options: HttpRegistryOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async findPerson(iin: string): Promise<RegistryPerson | null> {
    if (!IIN_SHAPE.test(iin)) return null;
    const reply = await this.call('GET', `/persons/${encodeURIComponent(iin)}`);
    if (reply.status === 404) return null;
    this.expect(reply, 200);
    const person = parsePerson(this.json(reply), iin);
    if (!person) throw unavailable('person JSON breaks the contract');
    return person;
  }

  async getReferencePhoto(iin: string): Promise<Buffer | null> {
    if (!IIN_SHAPE.test(iin)) return null;
    const reply = await this.call('GET', `/persons/${encodeURIComponent(iin)}/photo`);
    if (reply.status === 404) return null;
    this.expect(reply, 200);
    if (!reply.contentType.startsWith('image/jpeg') || !isJpeg(reply.body)) throw unavailable('photo is not a JPEG');
    return reply.body;
  }

  /** The contract carries photos only; descriptors are computed by the caller. */
  async getReferenceDescriptor(_iin: string, _version: string): Promise<Float32Array | null> {
    return null;
  }

  /** Nowhere to keep it: the caller caches it. */
  async keepReferenceDescriptor(_iin: string, _descriptor: Float32Array, _version: string): Promise<boolean> {
    return false;
  }

  async isPhoneBoundToIin(phone: string, iin: string): Promise<boolean> {
    if (!PHONE_SHAPE.test(phone) || !IIN_SHAPE.test(iin)) return false;
    const reply = await this.call('GET', `/bmg/${encodeURIComponent(phone)}`);
    if (reply.status === 404) return false;
    this.expect(reply, 200);
    const body = this.json(reply) as { phone?: unknown; iin?: unknown } | null;
    if (typeof body?.iin !== 'string') throw unavailable('BMG JSON breaks the contract');
    return body.iin === iin;
  }

  async checkPerson(iin: string, phone: string): Promise<{ person: RegistryPerson; boundToPhone: boolean } | null> {
    const person = await this.findPerson(iin);
    return person && { person, boundToPhone: await this.isPhoneBoundToIin(phone, iin) };
  }

  async bindPhone(phone: string, iin: string): Promise<void> {
    assertBindable(phone, iin);
    const reply = await this.call('PUT', `/bmg/${encodeURIComponent(phone)}`, { iin });
    if (reply.status === 404) throw new AppError('PERSON_NOT_FOUND');
    if (reply.status !== 200 && reply.status !== 204) this.expect(reply, 204);
  }

  private async call(method: string, path: string, body?: unknown): Promise<Reply> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: { accept: 'application/json, image/jpeg', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const bytes = await readCapped(res, MAX_REPLY_BYTES);
      return { status: res.status, body: bytes, contentType: res.headers.get('content-type') ?? '' };
    } catch (err) {
      if (err instanceof AppError) throw err;
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : 'connection failed';
      throw unavailable(reason);
    }
  }

  private expect(reply: Reply, status: number): void {
    if (reply.status !== status) throw unavailable(`upstream answered ${reply.status}`);
  }

  private json(reply: Reply): unknown {
    try {
      return JSON.parse(reply.body.toString('utf8'));
    } catch {
      throw unavailable('reply is not JSON');
    }
  }
}

async function readCapped(res: Response, max: number): Promise<Buffer> {
  if (Number(res.headers.get('content-length') ?? 0) > max) {
    await res.body?.cancel();
    throw unavailable('reply too large');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > max) throw unavailable('reply too large');
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

function unavailable(reason: string): AppError {
  return new AppError('REGISTRY_UNAVAILABLE', { reason });
}

function parsePerson(body: unknown, iin: string): RegistryPerson | null {
  if (typeof body !== 'object' || body === null) return null;
  const p = body as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (p.iin !== iin || !str(p.lastName) || !str(p.firstName)) return null;
  if (p.middleName !== null && p.middleName !== undefined && typeof p.middleName !== 'string') return null;
  if (typeof p.birthDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(p.birthDate)) return null;
  if (p.sex !== 'M' && p.sex !== 'F') return null;
  if (typeof p.hasPhoto !== 'boolean') return null;
  return {
    iin,
    lastName: p.lastName as string,
    firstName: p.firstName as string,
    middleName: (p.middleName as string | null | undefined) || null,
    birthDate: p.birthDate,
    sex: p.sex,
    hasPhoto: p.hasPhoto,
  };
}
