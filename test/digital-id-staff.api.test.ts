// Staff (admin) find a Digital ID by IIN or phone, or list the blocked ones: masked, with how and when it
// was blocked and the last unblock; only admins; every look-up audited with the query masked. Staff block
// one at the citizen's request (the support centre) when the citizen cannot do it themselves.
import { beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { randomIin } from './support/citizens.js';
import { citizenWithDigitalId, nextSms, outbox, signIn } from './support/citizen-session.js';
import { signedInStaff, type StaffClient } from './support/staff-client.js';

let admin: StaffClient;

const server = useTestServer({ SIGNIN_SEND_LIMIT_PER_IP: '100000' });
beforeAll(async () => {
  admin = await signedInStaff(server, 'admin');
});

const maskedIin = (iin: string) => `${iin.slice(0, 4)}******${iin.slice(-2)}`;
const maskedPhone = (phone: string) => `${phone.slice(0, 5)}***${phone.slice(-4)}`;
const search = (client: StaffClient, q?: string, headers: Record<string, string> = {}) =>
  client.request('GET', `/api/v1/staff/digital-ids${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`, { headers });

describe(`GET /api/v1/staff/digital-ids (${testDbKind})`, () => {
  it('lists the blocked Digital IDs, masked, with when and how each was blocked; unblocking takes it off the list', async () => {
    const blocked = await citizenWithDigitalId(server);
    const untouched = await citizenWithDigitalId(server);
    const phone = await signIn(server, blocked.phone);
    expect((await phone.request('POST', '/api/v1/me/block')).status).toBe(204);

    const list = await search(admin);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const ids = list.body.digitalIds as any[];
    expect(ids.map((d) => d.iinMasked)).toContain(maskedIin(blocked.iin));
    expect(ids.map((d) => d.iinMasked)).not.toContain(maskedIin(untouched.iin));
    const entry = ids.find((d) => d.iinMasked === maskedIin(blocked.iin));
    expect(entry).toMatchObject({
      phoneMasked: maskedPhone(blocked.phone),
      maskedName: `${blocked.firstName} ${blocked.lastName.slice(0, 1)}.`,
      blockedAt: expect.any(String),
      lastBlock: { via: 'session', sessionsEnded: 1, ipMasked: expect.stringMatching(/\*$/) },
      lastUnblock: null,
    });
    expect(Date.parse(entry.lastBlock.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(list.body)).not.toContain(blocked.iin);
    expect(JSON.stringify(list.body)).not.toContain(blocked.phone);

    const unblocked = await admin.request('POST', '/api/v1/staff/digital-ids/unblock', { body: { iin: blocked.iin, note: 'ID card checked' } });
    expect(unblocked.status).toBe(204);
    expect(((await search(admin)).body.digitalIds as any[]).map((d) => d.iinMasked)).not.toContain(maskedIin(blocked.iin));
    const found = await search(admin, blocked.iin);
    expect(found.body.digitalIds).toHaveLength(1);
    expect(found.body.digitalIds[0]).toMatchObject({ blockedAt: null, lastBlock: { via: 'session' }, lastUnblock: { by: admin.login, note: 'ID card checked' } });
  });

  it('finds by IIN and by the phone in any common format; an unknown IIN finds nothing', async () => {
    const citizen = await citizenWithDigitalId(server);
    const national = citizen.phone.slice(2);
    for (const q of [citizen.iin, citizen.phone, `8 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6, 8)} ${national.slice(8)}`]) {
      const res = await search(admin, q);
      expect(res.status, q).toBe(200);
      expect(res.body.digitalIds.map((d: any) => d.iinMasked), q).toEqual([maskedIin(citizen.iin)]);
      expect(res.body.digitalIds[0].blockedAt).toBeNull();
    }
    let other = randomIin();
    while (other === citizen.iin) other = randomIin();
    expect((await search(admin, other)).body.digitalIds).toEqual([]);
  });

  it('refuses a query that is neither an IIN nor a mobile number, and an IIN with a wrong check digit (422, localized)', async () => {
    const bad = await search(admin, 'Иванов', { 'accept-language': 'kk' });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toEqual({ code: 'DIGITAL_ID_QUERY_INVALID', message: '12 цифрлы ЖСН немесе Қазақстандағы ұялы телефон нөмірін енгізіңіз.' });
    const iin = randomIin();
    const wrongDigit = `${iin.slice(0, 11)}${(Number(iin[11]) + 1) % 10}`;
    const checksum = await search(admin, wrongDigit, { 'accept-language': 'en' });
    expect(checksum.status).toBe(422);
    expect(checksum.body.error.code).toMatch(/^IIN_(CHECKSUM|DATE)$/);
    expect((await search(admin, 'x'.repeat(41))).status).toBe(400);
  });

  it("blocks a Digital ID at the citizen's request (admin, with a note): every session ends, sign-in is refused, audited, SMS; listed as blocked by staff", async () => {
    const citizen = await citizenWithDigitalId(server);
    const browser = await signIn(server, citizen.phone);
    const before = (await outbox(server, citizen.phone))[0]?.id;
    const moderator = await signedInStaff(server, 'moderator');
    const note = 'Phone number changed without them; called the support centre, identity checked by questions';
    expect((await moderator.request('POST', '/api/v1/staff/digital-ids/block', { body: { iin: citizen.iin, note } })).status).toBe(403);
    const noNote = await admin.request('POST', '/api/v1/staff/digital-ids/block', { body: { iin: citizen.iin, note: '' } });
    expect(noNote.status).toBe(400);
    expect((await browser.request('GET', '/api/v1/me')).status).toBe(200);

    const blocked = await admin.request('POST', '/api/v1/staff/digital-ids/block', { body: { iin: citizen.iin, note } });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(204);
    expect((await browser.request('GET', '/api/v1/me')).status).toBe(401);
    const notice = await nextSms(server, citizen.phone, before);
    expect(notice.purpose).toBe('digital_id_blocked');
    // A sign-in answers as for anyone; its SMS says the Digital ID is blocked and carries no code.
    expect((await server.request('POST', '/api/v1/sessions', { body: { phone: citizen.phone } })).status).toBe(201);
    expect((await nextSms(server, citizen.phone, notice.id)).purpose).toBe('signin_blocked');
    const audit = await server.ctx.db.selectFrom('audit_events').select(['actor', 'details']).where('type', '=', 'digital_id.blocked').where('subject', '=', maskedIin(citizen.iin)).executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor: `staff:${admin.login}`, details: { via: 'staff', sessionId: null, sessionsEnded: 1, note } });
    const listed = (await search(admin, citizen.iin)).body.digitalIds[0];
    expect(listed).toMatchObject({ blockedAt: expect.any(String), lastBlock: { via: 'staff', by: admin.login, sessionsEnded: 1 } });

    const again = await admin.request('POST', '/api/v1/staff/digital-ids/block', { body: { iin: citizen.iin, note }, headers: { 'accept-language': 'ru' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'DIGITAL_ID_ALREADY_BLOCKED', message: 'Этот Digital ID уже заблокирован.' });
    const unknown = await admin.request('POST', '/api/v1/staff/digital-ids/block', { body: { iin: randomIin(), note } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'DIGITAL_ID_NOT_FOUND']);
  });

  it('is for admins only', async () => {
    expect((await server.request('GET', '/api/v1/staff/digital-ids')).status).toBe(401);
    for (const role of ['moderator', 'operator'] as const) {
      const res = await search(await signedInStaff(server, role));
      expect(res.status, role).toBe(403);
    }
  });

  it('audits every look-up with the query masked', async () => {
    const citizen = await citizenWithDigitalId(server);
    await search(admin, citizen.iin);
    await search(admin, citizen.phone);
    await search(admin);
    const rows = await server.ctx.db
      .selectFrom('audit_events')
      .select(['actor', 'subject', 'details'])
      .where('type', '=', 'staff.digital_ids_searched')
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(3)
      .execute();
    expect(rows.map((r) => [r.actor, r.subject, r.details])).toEqual([
      [`staff:${admin.login}`, null, { by: 'blocked', found: expect.any(Number) }],
      [`staff:${admin.login}`, maskedPhone(citizen.phone), { by: 'phone', found: 1 }],
      [`staff:${admin.login}`, maskedIin(citizen.iin), { by: 'iin', found: 1 }],
    ]);
  });
});
