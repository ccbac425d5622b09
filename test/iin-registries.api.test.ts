// The IIN step takes two roads: with the embedded registry it is one database call (iin_step: the
// accounting, the registry's own lookup, the outcome and the person's lock), with the http registry
// three (begin, the registry over HTTP, finish) and a read of the lock. Both must answer a citizen,
// count the attempts and audit alike: here the same registry (one server's tables, also served over
// HTTP to the other) is asked through each road with the same cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeRegistration } from '../src/registration/registration.service.js';
import { EmbeddedRegistryGateway } from '../src/registry/embedded-registry.gateway.js';
import { startRegistryHttpServer, type RegistryHttpServer } from '../src/registry/http-registry-server.js';
import { addCitizen, randomIin, randomPhone, verifiedRegistration, type TestCitizen } from './support/citizens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('the IIN step: embedded registry (one call) and http registry (three calls) answer alike', () => {
  let embedded: TestServer;
  let remote: TestServer;
  let registry: RegistryHttpServer;

  beforeAll(async () => {
    embedded = await startTestServer();
    registry = await startRegistryHttpServer(new EmbeddedRegistryGateway(embedded.ctx.db, embedded.config.encryptionKey));
    remote = await startTestServer({ REGISTRY_PROVIDER: 'http', REGISTRY_URL: registry.url });
    expect([embedded.ctx.registry.checksInDatabase, remote.ctx.registry.checksInDatabase]).toEqual([true, false]);
  }, 600_000);
  afterAll(async () => {
    await remote?.close();
    await registry?.close();
    await embedded?.close();
  });

  /** The answer without what differs by nature (ids, times), and the registration's audit trail and state. */
  async function submit(server: TestServer, phone: string, iins: string[]) {
    const r = await verifiedRegistration(server, phone);
    const answers = [];
    for (const iin of iins) {
      const res = await server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin }, headers: { 'accept-language': 'ru' } });
      answers.push({ status: res.status, body: res.body, retryAfter: res.headers.get('retry-after') });
    }
    const audit = await server.ctx.db.selectFrom('audit_events').select(['type', 'subject', 'details']).where('registration_id', '=', r.id).orderBy('id').execute();
    const row = await server.ctx.db.selectFrom('registrations').select(['state', 'iin', 'masked_name', 'rejection_reason']).where('id', '=', r.id).executeTakeFirstOrThrow();
    const attempts = await server.ctx.db.selectFrom('iin_attempts').select('outcome').where('registration_id', '=', r.id).orderBy('created_at').execute();
    return { id: r.id, answers, audit, registration: row, attempts: attempts.map((a) => a.outcome) };
  }

  async function both(citizen: Pick<TestCitizen, 'phone'> | null, iins: string[]) {
    const phone = citizen?.phone ?? randomPhone();
    const viaEmbedded = await submit(embedded, phone, iins);
    const viaHttp = await submit(remote, phone, iins);
    const { id: _e, ...a } = viaEmbedded;
    const { id: _h, ...b } = viaHttp;
    expect(a).toEqual(b);
    return { viaEmbedded, viaHttp };
  }

  it('accepts a person BMG binds to the phone: the masked name, the lock, the move and the audit event', async () => {
    const citizen = await addCitizen(embedded);
    const { viaEmbedded } = await both(citizen, [citizen.iin]);
    expect(viaEmbedded.answers[0]).toMatchObject({ status: 200, body: { state: 'AWAITING_VIDEO_CHECK', person: { maskedName: 'Асқар С.' }, lockedUntil: null } });
    expect(viaEmbedded.registration).toMatchObject({ state: 'AWAITING_VIDEO_CHECK', iin: citizen.iin, masked_name: 'Асқар С.' });
    expect(viaEmbedded.audit.map((e) => e.type)).toContain('iin.accepted');
  });

  it('counts an unknown IIN and a phone BMG binds elsewhere as failed lookups, then ends the registration at the fifth', async () => {
    const other = await addCitizen(embedded);
    const { viaEmbedded } = await both(null, [randomIin(), other.iin, randomIin(), randomIin(), randomIin()]);
    expect(viaEmbedded.answers.map((a) => [a.status, a.body.error.code])).toEqual([
      [404, 'PERSON_NOT_FOUND'],
      [409, 'BMG_PHONE_MISMATCH'],
      [404, 'PERSON_NOT_FOUND'],
      [404, 'PERSON_NOT_FOUND'],
      [429, 'IIN_ATTEMPTS_EXCEEDED'],
    ]);
    expect(viaEmbedded.registration).toMatchObject({ state: 'REJECTED', rejection_reason: 'IIN_ATTEMPTS_EXCEEDED' });
    expect(viaEmbedded.attempts).toEqual(['not_found', 'bmg_mismatch', 'not_found', 'not_found', 'not_found']);
  });

  it('answers ALREADY_REGISTERED for an IIN that has a Digital ID on that side', async () => {
    const citizen = await addCitizen(embedded);
    for (const server of [embedded, remote]) {
      const first = await submit(server, citizen.phone, [citizen.iin]);
      await server.ctx.db.transaction().execute((trx) => completeRegistration(trx, first.id, 'video_check'));
    }
    const { viaEmbedded } = await both(citizen, [citizen.iin]);
    expect(viaEmbedded.answers[0]).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_REGISTERED', details: { attemptsLeft: 4 } } } });
    expect(viaEmbedded.attempts).toEqual(['already_registered']);
  });

  it('answers PHONE_IN_USE at the IIN step for a number another Digital ID has, whether BMG binds it to the typed IIN already or not (no futile assistant ticket)', async () => {
    const previous = await addCitizen(embedded);
    for (const server of [embedded, remote]) {
      const first = await submit(server, previous.phone, [previous.iin]);
      await server.ctx.db.transaction().execute((trx) => completeRegistration(trx, first.id, 'video_check'));
    }
    // The number went to someone new: first BMG still binds it to the old holder, then (an operator) to them.
    const newcomer = await addCitizen(embedded, { bindPhone: false });
    const next = await addCitizen(embedded, { phone: previous.phone });
    const { viaEmbedded } = await both(next, [newcomer.iin, next.iin]);
    expect(viaEmbedded.answers.map((a) => [a.status, a.body.error.code, a.body.error.details])).toEqual([
      [409, 'PHONE_IN_USE', { attemptsLeft: 4 }],
      [409, 'PHONE_IN_USE', { attemptsLeft: 3 }],
    ]);
    expect(viaEmbedded.attempts).toEqual(['phone_in_use', 'phone_in_use']);
    expect(viaEmbedded.registration).toMatchObject({ state: 'AWAITING_IIN', iin: null });
    expect(viaEmbedded.audit.map((e) => e.type).filter((t) => t.startsWith('iin.') || t.startsWith('bmg.'))).toEqual(['iin.phone_in_use', 'iin.phone_in_use']);
  });
});
