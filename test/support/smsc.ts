// A real SMSC on loopback for tests, built with npm `smpp`'s server: binds transceivers, answers
// submit_sm, reassembles concatenated parts, and sends delivery receipts as deliver_sm.
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';
import { formatReceiptText } from '../../src/sms/sms.receipt.rules.js';

export interface SmscMessage {
  destination: string;
  source: string;
  dataCoding: number;
  parts: number;
  messageId: string;
  text: string;
}

export interface TestSmscOptions {
  port?: number;
  systemId?: string;
  password?: string;
  /** How the receipt carries its data: TLVs, the "id:… stat:…" text, or both (default). */
  receipt?: 'tlv' | 'text' | 'both' | 'none';
  /** Receipt state per message (default DELIVRD). */
  outcome?: (message: SmscMessage) => 'DELIVRD' | 'UNDELIV';
  /** command_status for a submit_sm to this destination (default 0 = accepted). */
  submitStatus?: (destination: string) => number;
  /** false: a dead link that never answers enquire_link. */
  answerEnquireLink?: boolean;
}

export interface TestSmsc {
  port: number;
  url: string;
  messages: SmscMessage[];
  binds: number;
  enquireLinks: number;
  waitForMessages(count: number, timeoutMs?: number): Promise<SmscMessage[]>;
  /** Drops every connection (the SMSC keeps listening): the client must reconnect. */
  dropConnections(): void;
  close(): Promise<void>;
}

const STATE_CODE = { DELIVRD: 2, UNDELIV: 5 } as const;

export async function startTestSmsc(options: TestSmscOptions = {}): Promise<TestSmsc> {
  const systemId = options.systemId ?? 'digitalid';
  const password = options.password ?? 'secret';
  const receiptMode = options.receipt ?? 'both';
  const messages: SmscMessage[] = [];
  const sessions = new Set<smpp.Session>();
  let nextId = 0x5000;
  let binds = 0;
  let enquireLinks = 0;
  const waiters: Array<() => void> = [];

  const server = smpp.createServer((session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => sessions.delete(session));
    const pending = new Map<string, { total: number; parts: Map<number, string> }>();

    session.on('bind_transceiver', (pdu: smpp.PDU) => {
      if (pdu.system_id !== systemId || pdu.password !== password) {
        session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
        return;
      }
      binds++;
      session.send(pdu.response({ system_id: 'test-smsc' }));
    });
    session.on('enquire_link', (pdu: smpp.PDU) => {
      enquireLinks++;
      if (options.answerEnquireLink !== false) session.send(pdu.response());
    });
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: smpp.PDU) => {
      const refusal = options.submitStatus?.(pdu.destination_addr) ?? 0;
      if (refusal !== 0) {
        session.send(pdu.response({ command_status: refusal }));
        return;
      }
      // Hex ids, as many SMSCs answer.
      const messageId = (nextId++).toString(16);
      session.send(pdu.response({ message_id: messageId }));
      const sm = pdu.short_message as { message: string; udh?: Buffer[] };
      let ref = 0;
      let total = 1;
      let seq = 1;
      for (const udh of sm.udh ?? []) {
        if (udh[0] === 0x00) [ref, total, seq] = [udh[2], udh[3], udh[4]];
        if (udh[0] === 0x08) [ref, total, seq] = [udh.readUInt16BE(2), udh[4], udh[5]];
      }
      const key = `${pdu.destination_addr}/${ref}`;
      const entry = pending.get(key) ?? { total, parts: new Map<number, string>() };
      entry.parts.set(seq, sm.message);
      pending.set(key, entry);
      if (entry.parts.size < entry.total) return;
      pending.delete(key);
      const text = [...entry.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t).join('');
      const message: SmscMessage = { destination: pdu.destination_addr, source: pdu.source_addr, dataCoding: pdu.data_coding, parts: total, messageId, text };
      messages.push(message);
      for (const wake of waiters.splice(0)) wake();
      if (!(pdu.registered_delivery & 1) || receiptMode === 'none') return;
      const stat = options.outcome?.(message) ?? 'DELIVRD';
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 0x04,
        data_coding: 0,
        short_message: receiptMode === 'tlv' ? '' : formatReceiptText(messageId, stat),
        ...(receiptMode === 'text' ? {} : { receipted_message_id: messageId, message_state: STATE_CODE[stat] }),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `smpp://127.0.0.1:${port}`,
    messages,
    get binds() {
      return binds;
    },
    get enquireLinks() {
      return enquireLinks;
    },
    async waitForMessages(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`test SMSC got ${messages.length} of ${count} messages`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 200);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages.slice(0, count);
    },
    dropConnections() {
      for (const s of sessions) s.destroy();
    },
    async close() {
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
