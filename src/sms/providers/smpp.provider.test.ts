// The SMPP client against a real SMSC on loopback, without a database: link keeping and refusals.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { SmsProviderError, type SmsProvider } from '../sms.gateway.js';
import type { DeliveryReceipt } from '../sms.receipt.rules.js';
import { createSmppProvider, parseSmppUrl } from './smpp.provider.js';
import { startTestSmsc, type TestSmsc } from '../../../test/support/smsc.js';

const logger = pino({ level: 'silent' });
const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('SMPP provider', () => {
  let smsc: TestSmsc | null = null;
  let provider: SmsProvider | null = null;
  const receipts: DeliveryReceipt[] = [];

  afterEach(async () => {
    await provider?.stop();
    await smsc?.close();
    provider = null;
    smsc = null;
    receipts.length = 0;
  });

  const connect = (url: string, extra: Partial<Parameters<typeof createSmppProvider>[0]> = {}) =>
    (provider = createSmppProvider({
      url,
      systemId: 'digitalid',
      password: 'secret',
      sourceAddr: 'DigitalID',
      logger,
      onReceipt: async (r) => {
        receipts.push(r);
      },
      reconnectInitialMs: 50,
      ...extra,
    }));

  it('sends a text and reports the SMSC receipt for the id it was given', async () => {
    smsc = await startTestSmsc();
    const accepted = await connect(smsc.url).send({ id: 'm1', phone: '+77011234567', body: 'Сәлем, әлем!' });
    expect(accepted.delivered).toBe(false);
    await until(() => receipts.length === 1);
    expect(receipts[0]).toMatchObject({ providerMessageId: accepted.providerMessageId, outcome: 'delivered' });
    expect(smsc.messages[0]).toMatchObject({ destination: '77011234567', source: 'DigitalID', dataCoding: 8, text: 'Сәлем, әлем!' });
  });

  it('keeps the link alive with enquire_link', async () => {
    smsc = await startTestSmsc();
    await connect(smsc.url, { enquireLinkMs: 100 }).send({ id: 'm1', phone: '+77011234567', body: 'hi' });
    await until(() => smsc!.enquireLinks >= 3);
  });

  it('drops a link that stops answering enquire_link and binds again', async () => {
    smsc = await startTestSmsc({ answerEnquireLink: false });
    connect(smsc.url, { enquireLinkMs: 100, responseTimeoutMs: 200 });
    await until(() => smsc!.binds >= 2);
  });

  it('fails the attempt (for the queue to retry) while the SMSC refuses the bind', async () => {
    smsc = await startTestSmsc({ password: 'other' });
    const attempt = connect(smsc.url, { bindWaitMs: 300 }).send({ id: 'm1', phone: '+77011234567', body: 'hi' });
    await expect(attempt).rejects.toThrow(SmsProviderError);
    await expect(attempt).rejects.toMatchObject({ permanent: false });
    expect(smsc.messages).toHaveLength(0);
  });

  it('fails the attempt when nothing listens, without crashing the process', async () => {
    const probe = await startTestSmsc();
    const url = probe.url;
    await probe.close();
    await expect(connect(url, { bindWaitMs: 300 }).send({ id: 'm1', phone: '+77011234567', body: 'hi' })).rejects.toThrow(/not bound/);
  });

  it('treats an invalid destination as permanent and a throttled submit as temporary', async () => {
    smsc = await startTestSmsc({ submitStatus: (dest) => (dest === '77010000000' ? 0x0b : dest === '77010000001' ? 0x58 : 0) });
    const p = connect(smsc.url);
    await expect(p.send({ id: 'a', phone: '+77010000000', body: 'hi' })).rejects.toMatchObject({ permanent: true });
    await expect(p.send({ id: 'b', phone: '+77010000001', body: 'hi' })).rejects.toMatchObject({ permanent: false });
  });

  it('reads smpp:// and ssmpp:// addresses', () => {
    expect(parseSmppUrl('smpp://smsc.example:2775')).toEqual({ host: 'smsc.example', port: 2775, tls: false });
    expect(parseSmppUrl('ssmpp://smsc.example')).toEqual({ host: 'smsc.example', port: 3550, tls: true });
    expect(() => parseSmppUrl('http://x')).toThrow(SmsProviderError);
  });
});
