// SMPP behaviour beyond the shared contract: connection trouble, receipt variants, masking in logs.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { startServer, type RunningServer } from '../server.js';
import { testDbKind } from '../../test/support/test-server.js';
import { createRestartableStorage, type RestartableStorage } from '../../test/support/restartable-storage.js';
import { startTestSmsc, type TestSmsc } from '../../test/support/smsc.js';
import { waitForSmsStatus } from '../../test/support/sms-wait.js';

const CREDENTIALS = { SMPP_SYSTEM_ID: 'digitalid', SMPP_PASSWORD: 'secret' };
const SERVER_TEST = { timeout: 300_000 };

describe(`SMPP provider on a troubled link (${testDbKind})`, () => {
  let storage: RestartableStorage;
  let server: RunningServer | null = null;
  let smsc: TestSmsc | null = null;
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );

  // Each test starts its own server on fresh storage (a server start can take long on a busy machine).
  beforeEach(async () => {
    storage = await createRestartableStorage();
  });
  afterEach(async () => {
    await server?.close();
    await smsc?.close();
    await storage?.drop();
    server = null;
    smsc = null;
  });

  async function enqueue(phone: string, code: string): Promise<string> {
    return server!.ctx.db.transaction().execute((trx) => server!.ctx.sms.enqueue(trx, { phone, language: 'ru', purpose: 'otp', params: { code } }));
  }

  it('survives a refused connection and sends once the SMSC comes up, applying text-only receipts', SERVER_TEST, async () => {
    const probe = await startTestSmsc();
    const port = probe.port;
    await probe.close();

    server = await startServer(storage.config({ SMS_PROVIDER: 'smpp', SMPP_URL: `smpp://127.0.0.1:${port}`, ...CREDENTIALS }), { logger, seedDemo: false });
    const id = await enqueue('+77011234567', '318204');
    await waitForSmsStatus(server.ctx.db, id, ['sending', 'queued']);
    await new Promise((r) => setTimeout(r, 1000)); // a few refused reconnects

    smsc = await startTestSmsc({ port, receipt: 'text', ...{ systemId: 'digitalid', password: 'secret' } });
    const [message] = await smsc.waitForMessages(1);
    expect(message.text).toBe('Digital ID: код 318204. Действует 5 мин. Никому не сообщайте.');
    expect(message.dataCoding).toBe(8);
    const row = await waitForSmsStatus(server.ctx.db, id, ['delivered']);
    expect(row.provider_message_id).toBe(message.messageId);
  });

  it('reconnects after the SMSC drops the link and sends the next message', SERVER_TEST, async () => {
    smsc = await startTestSmsc({ systemId: 'digitalid', password: 'secret' });
    server = await startServer(storage.config({ SMS_PROVIDER: 'smpp', SMPP_URL: smsc.url, ...CREDENTIALS }), { logger, seedDemo: false });
    await waitForSmsStatus(server.ctx.db, await enqueue('+77011234567', '100001'), ['delivered']);
    expect(smsc.binds).toBe(1);

    smsc.dropConnections();
    await waitForSmsStatus(server.ctx.db, await enqueue('+77011234567', '100002'), ['delivered']);
    expect(smsc.binds).toBe(2);
    expect(smsc.messages.map((m) => m.text.slice(16, 22))).toEqual(['100001', '100002']);
  });

  it('marks a message undeliverable when the receipt says UNDELIV', SERVER_TEST, async () => {
    smsc = await startTestSmsc({ systemId: 'digitalid', password: 'secret', receipt: 'tlv', outcome: (m) => (m.destination === '77019990000' ? 'UNDELIV' : 'DELIVRD') });
    server = await startServer(storage.config({ SMS_PROVIDER: 'smpp', SMPP_URL: smsc.url, ...CREDENTIALS }), { logger, seedDemo: false });
    const row = await waitForSmsStatus(server.ctx.db, await enqueue('+77019990000', '777111'), ['undeliverable']);
    expect(row.last_error).toBe('receipt UNDELIV');
    // Once handed on, the stored text no longer holds the code.
    expect(row.body).toBe('Digital ID: код ******. Действует 5 мин. Никому не сообщайте.');
  });

  it('never wrote a code or a full phone number to the log', () => {
    const log = logLines.join('');
    expect(log).toContain('sms handed to provider');
    for (const secret of ['318204', '100001', '100002', '777111', '77011234567', '77019990000']) expect(log).not.toContain(secret);
  });
});
