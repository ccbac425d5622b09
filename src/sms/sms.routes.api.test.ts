// The development outbox over HTTP, its absence in production, and the SMS metrics.
import { describe, expect, it } from 'vitest';
import { testDbKind } from '../../test/support/test-server.js';
import { useTestServer } from '../../test/support/use-test-server.js';
import { waitForSmsStatus } from '../../test/support/sms-wait.js';

describe(`GET /api/v1/dev/sms (${testDbKind})`, () => {
  const server = useTestServer({ SMS_PROVIDER: 'outbox' });

  it('lists the messages sent to a phone newest first, whatever format the phone is typed in', async () => {
    const db = server.ctx.db;
    const first = await db.transaction().execute((trx) => server.ctx.sms.enqueue(trx, { phone: '+77071112233', language: 'en', purpose: 'otp', params: { code: '111111' } }));
    await waitForSmsStatus(db, first, ['delivered']);
    const second = await db.transaction().execute((trx) => server.ctx.sms.enqueue(trx, { phone: '+77071112233', language: 'ru', purpose: 'video_check_under_review', params: {} }));
    await waitForSmsStatus(db, second, ['delivered']);

    for (const phone of ['+77071112233', '87071112233', '8 (707) 111-22-33', '7071112233', '+7 707 111 22 33']) {
      const res = await server.request('GET', `/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
      expect(res.status).toBe(200);
      expect(res.body.messages.map((m: { id: string }) => m.id)).toEqual([second, first]);
    }
    const res = await server.request('GET', '/api/v1/dev/sms?phone=87071112233');
    expect(res.body.messages[1]).toEqual({
      id: first,
      phone: '+77071112233',
      body: 'Digital ID: your code 111111. Valid 5 min. Do not share it.',
      purpose: 'otp',
      status: 'delivered',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('answers an unknown phone with an empty list and a malformed one with PHONE_INVALID', async () => {
    expect((await server.request('GET', '/api/v1/dev/sms?phone=87000000000')).body).toEqual({ messages: [] });
    const bad = await server.request('GET', '/api/v1/dev/sms?phone=12345');
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('PHONE_INVALID');
    expect((await server.request('GET', '/api/v1/dev/sms')).status).toBe(400);
  });

  it('is described in the OpenAPI document', async () => {
    const res = await server.request('GET', '/api/docs/json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/v1/dev/sms'].get.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'phone', in: 'query' })]));
  });

  it('counts SMS by provider and status in /metrics', async () => {
    const res = await server.request('GET', '/metrics');
    expect(res.body).toMatch(/sms_messages_total\{provider="outbox",status="queued"\} \d+/);
    expect(res.body).toMatch(/sms_messages_total\{provider="outbox",status="delivered"\} \d+/);
  });
});

describe(`the development outbox in production (${testDbKind})`, () => {
  const server = useTestServer({
    NODE_ENV: 'production',
    SECRET_KEY: 'a'.repeat(64),
    ENCRYPTION_KEY: 'b'.repeat(64),
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: 'http://127.0.0.1:9/unused',
  });

  it('does not exist', async () => {
    const res = await server.request('GET', '/api/v1/dev/sms?phone=87071112233');
    expect(res.status).toBe(404);
  });
});
