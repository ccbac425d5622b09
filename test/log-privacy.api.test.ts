import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging.js';
import { testDbKind } from './support/test-server.js';
import { useTestServer } from './support/use-test-server.js';
import { addCitizen, randomIin, randomPhone, readOtpFromOutbox } from './support/citizens.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(chunk.toString());
    done();
  },
});
const server = useTestServer({}, { logger: createLogger('trace', sink) });

describe(`logs on ${testDbKind}`, () => {
  it('never contain a full phone, IIN, one-time code or token, even at trace level', async () => {
    const phone = randomPhone();
    const started = await server.request('POST', '/api/v1/registrations', { body: { phone } });
    const { id, token } = started.body;
    const code = await readOtpFromOutbox(server, phone);
    await server.request('POST', `/api/v1/registrations/${id}/otp`, { token, body: { code: code === '000000' ? '111111' : '000000' } });
    await server.request('POST', `/api/v1/registrations/${id}/otp`, { token, body: { code } });
    const citizen = await addCitizen(server, { phone: randomPhone() });
    const mismatch = await server.request('POST', `/api/v1/registrations/${id}/iin`, { token, body: { iin: citizen.iin } });
    expect(mismatch.body.error.code).toBe('BMG_PHONE_MISMATCH');
    await server.request('POST', `/api/v1/registrations/${id}/iin`, { token, body: { iin: randomIin() } });

    // A sign-in's id is a bearer handle: its paths are logged with the handle cut short.
    const signin = await server.request('POST', '/api/v1/sessions', { body: { phone } });
    const handle: string = signin.body.id;
    await server.request('POST', `/api/v1/sessions/${handle}/otp`, { body: { code: '000000' } });
    await server.request('POST', `/api/v1/sessions/${handle}/otp/resend`);

    const log = lines.join('');
    expect(log).toContain(`/api/v1/sessions/${handle.slice(0, 4)}…/otp/resend`);
    expect(log).not.toContain(handle.slice(0, 12));
    // A registration id (a UUID, not a secret) stays as it is.
    expect(log).toContain(`/api/v1/registrations/${id}/otp`);
    expect(log.length).toBeGreaterThan(500); // the requests were logged
    // A secret counts as leaked when it stands on its own, not as a run inside a longer number (timestamps).
    for (const secret of [phone.slice(1), citizen.iin, code, token, handle]) {
      expect(new RegExp(`(?<![0-9A-Za-z_-])${secret}(?![0-9A-Za-z_-])`).test(log), `log contains ${secret.slice(0, 4)}…`).toBe(false);
    }
  });
});
