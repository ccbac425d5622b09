// One contract, two implementations: the embedded registry, and the http gateway talking to the
// reference server (which itself sits on an embedded registry) over loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomKey } from '../platform/config.js';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { makeJpeg } from '../../test/support/jpeg.js';
import { EmbeddedRegistryGateway } from './embedded-registry.gateway.js';
import { HttpRegistryGateway } from './http-registry.gateway.js';
import { startRegistryHttpServer, type RegistryHttpServer } from './http-registry-server.js';
import type { RegistryGateway } from './registry.gateway.js';
import { RegistryImportService, type ReadyCitizen } from './registry-import.service.js';

const ASKAR = { iin: '880312311013', phone: '+77011234501' };
const AIGERIM = { iin: '930725411027', phone: '+77051234502' };
const NURZHAN = { iin: '790402320012' }; // in the registry, no phone, no photo
const UNKNOWN_IIN = '910218311040'; // valid, not in the registry

let database: TestDatabase;
let server: RegistryHttpServer;
let embedded: EmbeddedRegistryGateway;
let photo: Buffer;
const key = randomKey();

beforeAll(async () => {
  database = await openTestDatabase();
  embedded = new EmbeddedRegistryGateway(database.db, key);
  server = await startRegistryHttpServer(embedded);
  photo = await makeJpeg();
});

afterAll(async () => {
  await server?.close();
  await database?.close();
});

beforeEach(async () => {
  await database.truncate('registry_persons', 'bmg_bindings');
  const citizens: ReadyCitizen[] = [
    { line: 2, ...ASKAR, lastName: 'Серікбаев', firstName: 'Асқар', middleName: 'Нұрланұлы', birthDate: '1988-03-12', sex: 'M', photo: 'a.jpg', photoBytes: photo },
    { line: 3, ...AIGERIM, lastName: 'Ахметова', firstName: 'Айгерім', middleName: null, birthDate: '1993-07-25', sex: 'F', photo: null, photoBytes: null },
    { line: 4, ...NURZHAN, phone: null, lastName: 'Қасымов', firstName: 'Нұржан', middleName: 'Әділұлы', birthDate: '1979-04-02', sex: 'M', photo: null, photoBytes: null },
  ];
  const outcome = await new RegistryImportService(database.db, key).importCitizens(citizens);
  expect(outcome.ok).toBe(true);
});

const implementations: Array<[string, () => RegistryGateway]> = [
  ['embedded', () => embedded],
  ['http', () => new HttpRegistryGateway({ baseUrl: server.url, timeoutMs: 5000 })],
];

describe.each(implementations)(`registry gateway contract: %s (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, (kind, gateway) => {
  it('says which implementation it is', () => {
    expect(gateway().kind).toBe(kind);
  });

  it('finds a person by IIN with names, birth date, sex and whether a photo exists', async () => {
    expect(await gateway().findPerson(ASKAR.iin)).toEqual({
      iin: ASKAR.iin,
      lastName: 'Серікбаев',
      firstName: 'Асқар',
      middleName: 'Нұрланұлы',
      birthDate: '1988-03-12',
      sex: 'M',
      hasPhoto: true,
    });
    expect(await gateway().findPerson(AIGERIM.iin)).toMatchObject({ middleName: null, sex: 'F', hasPhoto: false });
  });

  it.each([UNKNOWN_IIN, '12345', '../persons', '880312311013/photo', '..', ''])('answers null for IIN %j that is not in the registry', async (iin) => {
    expect(await gateway().findPerson(iin)).toBeNull();
  });

  it('returns the reference photo byte for byte as imported', async () => {
    const got = await gateway().getReferencePhoto(ASKAR.iin);
    expect(got?.equals(photo)).toBe(true);
  });

  it('returns no photo for a person without one or an unknown IIN', async () => {
    expect(await gateway().getReferencePhoto(AIGERIM.iin)).toBeNull();
    expect(await gateway().getReferencePhoto(UNKNOWN_IIN)).toBeNull();
  });

  it('confirms a phone bound to the IIN and denies it for another IIN or an unknown phone', async () => {
    expect(await gateway().isPhoneBoundToIin(ASKAR.phone, ASKAR.iin)).toBe(true);
    expect(await gateway().isPhoneBoundToIin(ASKAR.phone, AIGERIM.iin)).toBe(false);
    expect(await gateway().isPhoneBoundToIin('+77009998877', ASKAR.iin)).toBe(false);
    expect(await gateway().isPhoneBoundToIin('not a phone', ASKAR.iin)).toBe(false);
  });

  it('checks a person and the phone in one question: the person, and whether BMG binds the phone to them', async () => {
    expect(await gateway().checkPerson(ASKAR.iin, ASKAR.phone)).toEqual({ person: await gateway().findPerson(ASKAR.iin), boundToPhone: true });
    expect(await gateway().checkPerson(AIGERIM.iin, ASKAR.phone)).toMatchObject({ person: { iin: AIGERIM.iin, firstName: 'Айгерім' }, boundToPhone: false });
    expect(await gateway().checkPerson(NURZHAN.iin, '+77009998877')).toMatchObject({ person: { iin: NURZHAN.iin }, boundToPhone: false });
    expect(await gateway().checkPerson(UNKNOWN_IIN, ASKAR.phone)).toBeNull();
    expect(await gateway().checkPerson('../persons', ASKAR.phone)).toBeNull();
  });

  it('binds a new phone and lets one IIN have several phones', async () => {
    await gateway().bindPhone('+77771112233', ASKAR.iin);
    expect(await gateway().isPhoneBoundToIin('+77771112233', ASKAR.iin)).toBe(true);
    expect(await gateway().isPhoneBoundToIin(ASKAR.phone, ASKAR.iin)).toBe(true);
  });

  it('moves a phone to its new owner: one phone belongs to one IIN', async () => {
    await gateway().bindPhone(ASKAR.phone, NURZHAN.iin);
    expect(await gateway().isPhoneBoundToIin(ASKAR.phone, NURZHAN.iin)).toBe(true);
    expect(await gateway().isPhoneBoundToIin(ASKAR.phone, ASKAR.iin)).toBe(false);
  });

  it('binding the same phone twice is harmless', async () => {
    await gateway().bindPhone(ASKAR.phone, ASKAR.iin);
    expect(await gateway().isPhoneBoundToIin(ASKAR.phone, ASKAR.iin)).toBe(true);
  });

  it.each([
    ['a person not in the registry', '+77771112233', UNKNOWN_IIN, 'PERSON_NOT_FOUND'],
    ['a phone that is not a Kazakhstan mobile in E.164', '87771112233', ASKAR.iin, 'PHONE_INVALID'],
    ['an IIN with a wrong check digit', '+77771112233', '880312311014', 'IIN_CHECKSUM'],
  ])('refuses to bind %s', async (_name, phone, iin, code) => {
    await expect(gateway().bindPhone(phone, iin)).rejects.toMatchObject({ name: 'AppError', code });
    expect(await gateway().isPhoneBoundToIin(phone, iin)).toBe(false);
  });
});

describe('reference face descriptors', () => {
  it('the embedded registry returns the descriptor stored on import; the http contract carries none', async () => {
    const descriptor = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i));
    await new RegistryImportService(database.db, key).importCitizens(
      [{ line: 2, ...ASKAR, lastName: 'Серікбаев', firstName: 'Асқар', middleName: null, birthDate: '1988-03-12', sex: 'M', photo: 'a.jpg', photoBytes: photo }],
      { faces: { version: 'test/1', describeFace: async () => descriptor } },
    );
    expect(await embedded.getReferenceDescriptor(ASKAR.iin, 'test/1')).toEqual(descriptor);
    expect(await embedded.getReferenceDescriptor(ASKAR.iin, 'test/0')).toBeNull();
    expect(await embedded.getReferenceDescriptor(AIGERIM.iin, 'test/1')).toBeNull();
    expect(await new HttpRegistryGateway({ baseUrl: server.url, timeoutMs: 5000 }).getReferenceDescriptor(ASKAR.iin, 'test/1')).toBeNull();
  });

  it.each(implementations)('%s: a descriptor offered by a check is returned later exactly when the registry says it kept it', async (_kind, gateway) => {
    const descriptor = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i));
    const kept = await gateway().keepReferenceDescriptor(ASKAR.iin, descriptor, 'test/2');
    expect(kept).toBe(gateway().kind === 'embedded');
    expect(await gateway().getReferenceDescriptor(ASKAR.iin, 'test/2')).toEqual(kept ? descriptor : null);
    expect(await gateway().keepReferenceDescriptor(UNKNOWN_IIN, descriptor, 'test/2')).toBe(false);
    expect(await gateway().getReferenceDescriptor(UNKNOWN_IIN, 'test/2')).toBeNull();
  });
});

describe('reference registry server', () => {
  it.each([
    ['GET', '/persons/880312311013/photo', undefined, 200, 'image/jpeg'],
    ['GET', '/health', undefined, 200, 'application/json; charset=utf-8'],
    ['DELETE', '/bmg/%2B77011234501', undefined, 405, 'application/json; charset=utf-8'],
    ['PUT', '/bmg/%2B77011234501', '{"phone":"x"}', 400, 'application/json; charset=utf-8'],
    ['PUT', '/bmg/%2B77011234501', 'not json', 400, 'application/json; charset=utf-8'],
    ['PUT', '/bmg/%2B77011234501', '{"iin":"880312311014"}', 422, 'application/json; charset=utf-8'],
    ['GET', '/persons/%E0%A4%A', undefined, 400, 'application/json; charset=utf-8'],
    ['GET', '/elsewhere', undefined, 404, 'application/json; charset=utf-8'],
  ])('answers %s %s with %s → %i', async (method, urlPath, body, status, contentType) => {
    const res = await fetch(server.url + urlPath, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe(contentType);
    expect(res.headers.get('cache-control')).toBe('no-store');
    await res.arrayBuffer();
  });
});
