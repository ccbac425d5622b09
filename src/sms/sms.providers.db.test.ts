// The same contract against every provider, each with a real peer on loopback: the outbox, SMPP to
// our npm-smpp SMSC, SMPP to an independent Net::SMPP (Perl) SMSC, and HTTP to a node:http gateway.
// Contract: the citizen's exact text (Kazakh, Cyrillic, long) reaches the peer and the row ends delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingSms } from './sms.outbound.js';
import { startTestServer, testDbKind, type TestServer } from '../../test/support/test-server.js';
import { startTestSmsc } from '../../test/support/smsc.js';
import { perlSmscUnavailable, startPerlSmsc } from '../../test/support/perl-smsc.js';
import { startSmsHttpGateway } from '../../test/support/sms-http-gateway.js';
import { waitForSmsStatus } from '../../test/support/sms-wait.js';

// Starting a server on a fresh database can take minutes on a machine busy with other test runs.
const SERVER_START_TIMEOUT_MS = 300_000;

const PHONE = '+77011234567';
const KAZAKH_REASON = 'бейнедегі бет тіркелімдегі фотосуретке сәйкес келмеді (ә ғ қ ң ө ұ ү һ і)';

interface Received {
  to: string;
  text: string;
}

interface Peer {
  env: Record<string, string>;
  /** Messages as the peer decoded them, oldest first. */
  received(count: number): Promise<Received[]>;
  /** What the provider's network does to report delivery (a receipt, a callback, nothing). */
  confirmDelivery(server: TestServer, received: Received, smsId: string): Promise<void>;
  close(): Promise<void>;
}

const perlMissing = perlSmscUnavailable();
if (perlMissing) console.warn(`[sms contract] skipping the Net::SMPP SMSC case: ${perlMissing}`);

const providers: Array<{ name: string; skip?: string | null; start(): Promise<Peer> }> = [
  {
    name: 'outbox',
    async start() {
      return {
        env: { SMS_PROVIDER: 'outbox' },
        async received(count) {
          // The dev outbox route is the peer: it takes the number as people type it.
          const res = await current.server.request('GET', `/api/v1/dev/sms?phone=${encodeURIComponent('8 (701) 123-45-67')}`);
          expect(res.status).toBe(200);
          return (res.body.messages as Array<{ phone: string; body: string }>).reverse().slice(0, count).map((m) => ({ to: m.phone, text: m.body }));
        },
        async confirmDelivery() {},
        async close() {},
      };
    },
  },
  {
    name: 'smpp (npm smpp SMSC)',
    async start() {
      const smsc = await startTestSmsc({ systemId: 'digitalid', password: 'secret' });
      return {
        env: { SMS_PROVIDER: 'smpp', SMPP_URL: smsc.url, SMPP_SYSTEM_ID: 'digitalid', SMPP_PASSWORD: 'secret' },
        async received(count) {
          return (await smsc.waitForMessages(count)).map((m) => ({ to: m.destination, text: m.text }));
        },
        async confirmDelivery() {},
        close: () => smsc.close(),
      };
    },
  },
  {
    name: 'smpp (Net::SMPP Perl SMSC)',
    skip: perlMissing,
    async start() {
      const smsc = await startPerlSmsc('digitalid', 'secret');
      return {
        env: { SMS_PROVIDER: 'smpp', SMPP_URL: smsc.url, SMPP_SYSTEM_ID: 'digitalid', SMPP_PASSWORD: 'secret' },
        async received(count) {
          await smsc.waitFor(() => smsc.messages().length >= count);
          return smsc.messages().slice(0, count).map((m) => ({ to: m.destination, text: m.text }));
        },
        async confirmDelivery() {},
        close: () => smsc.close(),
      };
    },
  },
  {
    name: 'http (node:http gateway)',
    async start() {
      const gateway = await startSmsHttpGateway();
      return {
        env: { SMS_PROVIDER: 'http', SMS_HTTP_URL: gateway.url, SMS_HTTP_TOKEN: 'gateway-token' },
        async received(count) {
          return (await gateway.waitForRequests(count)).map((r) => {
            expect(r.authorization).toBe('Bearer gateway-token');
            return { to: r.body.to, text: r.body.text };
          });
        },
        async confirmDelivery(server, _received, smsId) {
          const row = await waitForSmsStatus(server.ctx.db, smsId, ['sent']);
          const res = await server.request('POST', '/api/v1/sms/http/status', {
            token: 'gateway-token',
            body: { messageId: row.provider_message_id, status: 'delivered' },
          });
          expect(res.status).toBe(202);
        },
        close: () => gateway.close(),
      };
    },
  },
];

const current: { server: TestServer } = { server: undefined as unknown as TestServer };

for (const provider of providers) {
  describe.skipIf(Boolean(provider.skip))(`SMS provider contract: ${provider.name} (${testDbKind})`, () => {
    let peer: Peer;
    let server: TestServer;
    let sent = 0;

    beforeAll(async () => {
      peer = await provider.start();
      server = await startTestServer(peer.env);
      current.server = server;
    }, SERVER_START_TIMEOUT_MS);
    afterAll(async () => {
      await server?.close();
      await peer?.close();
    });

    async function send(sms: OutgoingSms): Promise<{ id: string; received: Received }> {
      const id = await server.ctx.db.transaction().execute((trx) => server.ctx.sms.enqueue(trx, sms));
      sent++;
      const received = (await peer.received(sent))[sent - 1];
      return { id, received };
    }

    it('delivers a Kazakh OTP text intact to the phone and ends delivered', async () => {
      const { id, received } = await send({ phone: PHONE, language: 'kk', purpose: 'otp', params: { code: '482913' } });
      expect(received.to.replace(/^\+/, '')).toBe('77011234567');
      expect(received.text).toBe('Digital ID: код 482913. 5 мин жарамды. Ешкімге айтпаңыз.');
      await peer.confirmDelivery(server, received, id);
      const row = await waitForSmsStatus(server.ctx.db, id, ['delivered']);
      expect(row.attempts).toBe(1);
      expect(row.delivered_at).not.toBeNull();
    });

    it('delivers a long Kazakh notification (several UCS2 parts) reassembled intact', async () => {
      const { id, received } = await send({ phone: PHONE, language: 'kk', purpose: 'moderation_rejected', params: { reason: KAZAKH_REASON } });
      expect(received.text).toBe(`Digital ID: тіркеу расталмады: ${KAZAKH_REASON}. Қайта көріңіз немесе қолдау қызметіне жүгініңіз.`);
      await peer.confirmDelivery(server, received, id);
      await waitForSmsStatus(server.ctx.db, id, ['delivered']);
    });

    it('delivers an English text (GSM alphabet) intact', async () => {
      const { id, received } = await send({ phone: PHONE, language: 'en', purpose: 'otp', params: { code: '000731' } });
      expect(received.text).toBe('Digital ID: your code 000731. Valid 5 min. Do not share it.');
      await peer.confirmDelivery(server, received, id);
      await waitForSmsStatus(server.ctx.db, id, ['delivered']);
    });
  });
}
