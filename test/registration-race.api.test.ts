// Concurrent steps on one registration over HTTP: of two requests that move the state from the same
// place, one succeeds and the other answers 409 INVALID_STATE — never two successes, never a silent
// overwrite. On PostgreSQL the requests run on separate connections at once (the IIN step moves the
// state without holding the row across its registry lookups, so the expected `from` in transition()'s
// WHERE clause is what refuses the loser); on PGlite they interleave on one connection.
import { describe, expect, it } from 'vitest';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { addCitizen, readOtpFromOutbox, verifiedRegistration, randomPhone } from './support/citizens.js';

const server = useTestServer({ OTP_SEND_LIMIT_PER_IP: '100000', IIN_ATTEMPTS_PER_IP_PER_DAY: '100000' });

function outcomes(results: Array<{ status: number; body: any }>) {
  return results.map((r) => (r.status === 200 ? 200 : `${r.status} ${r.body?.error?.code}`)).sort();
}

describe(`concurrent registration steps on ${testDbKind}`, () => {
  it('two IIN submissions at once: one moves the registration to the video check, the other is a 409', async () => {
    for (let round = 0; round < 3; round++) {
      const r = await verifiedRegistration(server);
      const citizen = await addCitizen(server, { phone: r.phone });
      const submit = () => server.request('POST', `/api/v1/registrations/${r.id}/iin`, { token: r.token, body: { iin: citizen.iin } });
      const results = await Promise.all([submit(), submit()]);
      expect(outcomes(results)).toEqual([200, '409 INVALID_STATE']);
      expect(results.find((x) => x.status === 409)!.body.error.details).toMatchObject({ state: 'AWAITING_VIDEO_CHECK' });
      const row = await server.ctx.db.selectFrom('registrations').select(['state', 'iin']).where('id', '=', r.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 'AWAITING_VIDEO_CHECK', iin: citizen.iin });
      const accepted = await server.ctx.db.selectFrom('audit_events').select('id').where('registration_id', '=', r.id).where('type', '=', 'iin.accepted').execute();
      expect(accepted).toHaveLength(1);
    }
  });

  it('the right SMS code sent twice at once: one moves the registration, the other is a 409', async () => {
    const phone = randomPhone();
    const started = await server.request('POST', '/api/v1/registrations', { body: { phone } });
    const code = await readOtpFromOutbox(server, phone);
    const verify = () => server.request('POST', `/api/v1/registrations/${started.body.id}/otp`, { token: started.body.token, body: { code } });
    const results = await Promise.all([verify(), verify()]);
    expect(outcomes(results)).toEqual([200, '409 INVALID_STATE']);
    const verified = await server.ctx.db.selectFrom('audit_events').select('id').where('registration_id', '=', started.body.id).where('type', '=', 'otp.verified').execute();
    expect(verified).toHaveLength(1);
  });
});
