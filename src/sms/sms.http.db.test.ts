// HTTP provider behaviour beyond the shared contract: retries, permanent refusals, the status callback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testDbKind, type TestServer } from '../../test/support/test-server.js';
import { startSmsHttpGateway, type TestSmsHttpGateway } from '../../test/support/sms-http-gateway.js';
import { waitForSmsStatus } from '../../test/support/sms-wait.js';

// Starting a server on a fresh database can take minutes on a machine busy with other test runs.
const SERVER_START_TIMEOUT_MS = 300_000;

describe(`HTTP SMS provider (${testDbKind})`, () => {
  let gateway: TestSmsHttpGateway;
  let server: TestServer;

  beforeAll(async () => {
    gateway = await startSmsHttpGateway();
    server = await startTestServer({ SMS_PROVIDER: 'http', SMS_HTTP_URL: gateway.url, SMS_HTTP_TOKEN: 'gateway-token', SMS_MAX_RETRIES: '1' });
  }, SERVER_START_TIMEOUT_MS);
  afterAll(async () => {
    await server?.close();
    await gateway?.close();
  });

  const enqueue = (code: string) =>
    server.ctx.db.transaction().execute((trx) => server.ctx.sms.enqueue(trx, { phone: '+77011234567', language: 'en', purpose: 'otp', params: { code } }));
  const requestsFor = (id: string) => gateway.requests.filter((r) => r.body.id === id);

  it('retries after a 500 and sends on the next attempt', async () => {
    gateway.failWith(500);
    const id = await enqueue('240001');
    const row = await waitForSmsStatus(server.ctx.db, id, ['sent']);
    expect(row.attempts).toBe(2);
    expect(row.provider_message_id).toBe(`gw-${id}`);
    expect(requestsFor(id)).toHaveLength(2);
    expect(requestsFor(id)[1].body.text).toBe('Digital ID: your code 240001. Valid 5 min. Do not share it.');
    expect(row.body).toBe('Digital ID: your code ******. Valid 5 min. Do not share it.');
    // Handed on: not even the encrypted exact text is kept.
    expect(row.body_encrypted).toBeNull();
  });

  it('marks a message failed once SMS_MAX_RETRIES retries are used up', async () => {
    gateway.failWith(503, 503);
    const id = await enqueue('240002');
    const row = await waitForSmsStatus(server.ctx.db, id, ['failed']);
    expect(row.attempts).toBe(2);
    expect(row.last_error).toBe('SMS HTTP gateway answered 503');
    expect(row.body).not.toContain('240002');
  });

  it('does not retry a request the gateway refuses as invalid (4xx)', async () => {
    gateway.failWith(400);
    const id = await enqueue('240003');
    const row = await waitForSmsStatus(server.ctx.db, id, ['failed']);
    expect(row.attempts).toBe(1);
    expect(requestsFor(id)).toHaveLength(1);
  });

  it('takes delivery statuses only from a caller holding the gateway token', async () => {
    const id = await enqueue('240004');
    const sent = await waitForSmsStatus(server.ctx.db, id, ['sent']);
    const body = { messageId: sent.provider_message_id, status: 'undeliverable', error: 'absent subscriber' };

    const refused = await server.request('POST', '/api/v1/sms/http/status', { token: 'wrong', body, headers: { 'accept-language': 'kk' } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('SMS_CALLBACK_UNAUTHORIZED');
    expect(refused.body.error.message).toBe('SMS шлюзінің токені жоқ немесе жарамсыз.');

    const accepted = await server.request('POST', '/api/v1/sms/http/status', { token: 'gateway-token', body });
    expect(accepted.status).toBe(202);
    const row = await waitForSmsStatus(server.ctx.db, id, ['undeliverable']);
    expect(row.last_error).toBe('receipt UNDELIVERABLE');
  });

  it('applies a delivery status that arrives before the gateway has answered the send', async () => {
    const gate = gateway.hold();
    const id = await enqueue('240005');
    while (requestsFor(id).length === 0) await new Promise((r) => setTimeout(r, 50));
    const early = await server.request('POST', '/api/v1/sms/http/status', { token: 'gateway-token', body: { messageId: `gw-${id}`, status: 'DELIVRD' } });
    expect(early.status).toBe(202);
    expect((await server.ctx.db.selectFrom('sms_messages').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('sending');
    gate.release();
    const row = await waitForSmsStatus(server.ctx.db, id, ['delivered']);
    expect(row.provider_message_id).toBe(`gw-${id}`);
  });

  it('answers a malformed status callback with 400, not 500', async () => {
    const res = await server.request('POST', '/api/v1/sms/http/status', { token: 'gateway-token', body: { status: 'delivered' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
