// SMPP 3.4 provider: one bind_transceiver session to the SMSC, kept alive with enquire_link and
// re-established with exponential backoff. Texts go as GSM 03.38 or UCS2 (Kazakh, Russian), long
// ones in parts with a concatenation UDH; delivery receipts (deliver_sm) are handed to onReceipt.
import smpp from 'smpp';
import type { Logger } from '../../platform/logging.js';
import { concatenationUdh, splitSms } from '../sms.encoding.rules.js';
import { receiptFromDeliverSm } from '../sms.receipt.rules.js';
import { SmsProviderError, type ProviderAcceptance, type ProviderMessage, type ReceiptListener, type SmsProvider } from '../sms.gateway.js';

export interface SmppProviderOptions {
  /** smpp://host:port (ssmpp:// for TLS). */
  url: string;
  systemId: string;
  password: string;
  sourceAddr: string;
  logger: Logger;
  onReceipt: ReceiptListener;
  enquireLinkMs?: number;
  responseTimeoutMs?: number;
  /** How long a send waits for a bound session before the attempt fails (the queue retries it). */
  bindWaitMs?: number;
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
}

// submit_sm_resp statuses that no retry can fix: the number or the sender is wrong.
const PERMANENT_STATUSES = new Set([0x0a /* RINVSRCADR */, 0x0b /* RINVDSTADR */, 0x50 /* RINVDSTTON */, 0x51 /* RINVDSTNPI */, 0x48 /* RINVSRCTON */, 0x49 /* RINVSRCNPI */]);
// esm_class message types that carry a delivery receipt: SMSC receipt, intermediate notification.
const RECEIPT_TYPES = new Set([0x04, 0x20]);
const ESM_UDHI = 0x40;
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
const NPI_ISDN = 1;

export function createSmppProvider(options: SmppProviderOptions): SmsProvider {
  return new SmppProvider(options);
}

class SmppProvider implements SmsProvider {
  readonly name = 'smpp' as const;
  private readonly log: Logger;
  private readonly target: { host: string; port: number; tls: boolean };
  private session: smpp.Session | null = null;
  private bound = false;
  private stopped = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private bindWaiters = new Set<() => void>();
  /** Rejecters of submits waiting for a response on the current session. */
  private inFlight = new Set<(err: Error) => void>();
  private reference = Math.floor(Math.random() * 256);

  constructor(private readonly options: SmppProviderOptions) {
    this.log = options.logger.child({ provider: 'smpp' });
    this.target = parseSmppUrl(options.url);
    this.connect();
  }

  async send(message: ProviderMessage): Promise<ProviderAcceptance> {
    const session = await this.boundSession();
    const { dataCoding, parts } = splitSms(message.body);
    const reference = (this.reference = (this.reference + 1) % 256);
    const alphanumeric = /[^\d+]/.test(this.options.sourceAddr);
    let providerMessageId: string | null = null;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const shortMessage = parts.length > 1 ? Buffer.concat([concatenationUdh(reference, parts.length, i + 1), parts[i]]) : parts[i];
      const resp = await this.request(session, 'submit_sm', {
        source_addr_ton: alphanumeric ? TON_ALPHANUMERIC : TON_INTERNATIONAL,
        source_addr_npi: alphanumeric ? 0 : NPI_ISDN,
        source_addr: this.options.sourceAddr.replace(/^\+/, ''),
        dest_addr_ton: TON_INTERNATIONAL,
        dest_addr_npi: NPI_ISDN,
        destination_addr: message.phone.replace(/^\+/, ''),
        esm_class: parts.length > 1 ? ESM_UDHI : 0,
        data_coding: dataCoding,
        // One receipt per message: asked for on the last part, whose id we keep.
        registered_delivery: last ? 1 : 0,
        short_message: shortMessage,
      });
      if (resp.command_status !== 0) {
        const status = `0x${resp.command_status.toString(16).padStart(8, '0')}`;
        throw new SmsProviderError(`SMSC refused submit_sm (part ${i + 1}/${parts.length}): status ${status}`, PERMANENT_STATUSES.has(resp.command_status));
      }
      if (last) providerMessageId = typeof resp.message_id === 'string' && resp.message_id ? resp.message_id : null;
    }
    return { providerMessageId, delivered: false };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopKeepalive();
    const session = this.session;
    if (!session) return;
    if (this.bound) {
      await this.request(session, 'unbind', {}).catch(() => undefined);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        session.destroy();
        resolve();
      }, 2000);
      session.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const session = smpp.connect({ host: this.target.host, port: this.target.port, tls: this.target.tls });
    this.session = session;
    // Without this listener a refused or dropped connection would crash the process.
    session.on('error', (err: NodeJS.ErrnoException) => this.log.warn({ code: err.code, reason: err.message }, 'SMPP connection error'));
    session.on(this.target.tls ? 'secureConnect' : 'connect', () => this.bind(session));
    session.on('close', () => this.onClose(session));
    session.on('deliver_sm', (pdu: smpp.PDU) => void this.onDeliverSm(session, pdu));
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      this.log.warn('SMSC unbound the session');
      this.bound = false;
      session.send(pdu.response());
      session.close();
    });
  }

  private bind(session: smpp.Session): void {
    this.request(session, 'bind_transceiver', {
      system_id: this.options.systemId,
      password: this.options.password,
      interface_version: 0x34,
    })
      .then((resp) => {
        if (resp.command_status !== 0) {
          this.log.error({ status: resp.command_status }, 'SMSC refused bind_transceiver');
          session.destroy();
          return;
        }
        this.bound = true;
        this.failures = 0;
        this.log.info({ host: this.target.host, port: this.target.port }, 'SMPP session bound');
        this.startKeepalive(session);
        for (const wake of this.bindWaiters) wake();
        this.bindWaiters.clear();
      })
      .catch(() => session.destroy());
  }

  private onClose(session: smpp.Session): void {
    if (this.session !== session) return;
    this.session = null;
    this.bound = false;
    this.stopKeepalive();
    for (const reject of this.inFlight) reject(new SmsProviderError('SMPP connection lost before the SMSC answered'));
    this.inFlight.clear();
    if (this.stopped) return;
    const delay = Math.min(this.options.reconnectMaxMs ?? 30_000, (this.options.reconnectInitialMs ?? 500) * 2 ** this.failures);
    this.failures++;
    this.log.warn({ retryInMs: delay }, 'SMPP session closed; reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay * (0.8 + Math.random() * 0.4));
  }

  private startKeepalive(session: smpp.Session): void {
    this.stopKeepalive();
    const period = this.options.enquireLinkMs ?? 30_000;
    this.keepaliveTimer = setInterval(() => {
      // A link that does not answer enquire_link is dead: drop it and reconnect.
      this.request(session, 'enquire_link', {}).catch(() => {
        this.log.warn('SMSC did not answer enquire_link; reconnecting');
        session.destroy();
      });
    }, period);
    this.keepaliveTimer.unref();
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }

  private async boundSession(): Promise<smpp.Session> {
    if (this.stopped) throw new SmsProviderError('SMPP provider stopped');
    if (!this.bound || !this.session) {
      const waitMs = this.options.bindWaitMs ?? 10_000;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.bindWaiters.delete(wake);
          reject(new SmsProviderError(`SMPP session not bound within ${waitMs} ms`));
        }, waitMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.bindWaiters.add(wake);
      });
    }
    return this.session!;
  }

  /** Sends a request PDU and resolves with its response (or rejects on timeout / lost connection). */
  private request(session: smpp.Session, command: 'bind_transceiver' | 'submit_sm' | 'enquire_link' | 'unbind', fields: Record<string, unknown>): Promise<smpp.PDU> {
    const timeoutMs = this.options.responseTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.inFlight.delete(fail);
        reject(err);
      };
      const timer = setTimeout(() => fail(new SmsProviderError(`SMSC did not answer ${command} within ${timeoutMs} ms`)), timeoutMs);
      this.inFlight.add(fail);
      const written = session.send(new smpp.PDU(command, fields), (resp) => {
        clearTimeout(timer);
        this.inFlight.delete(fail);
        resolve(resp);
      });
      if (!written) fail(new SmsProviderError('SMPP connection is not writable'));
    });
  }

  private async onDeliverSm(session: smpp.Session, pdu: smpp.PDU): Promise<void> {
    const messageType = (pdu.esm_class ?? 0) & 0x3c;
    if (!RECEIPT_TYPES.has(messageType)) {
      // A mobile-originated SMS: this service does not take replies.
      session.send(pdu.response());
      return;
    }
    const text = textOf(pdu.short_message) ?? textOf(pdu.message_payload);
    const receipt = receiptFromDeliverSm({ receipted_message_id: pdu.receipted_message_id, message_state: pdu.message_state, text });
    if (!receipt) {
      this.log.warn('unreadable delivery receipt ignored');
      session.send(pdu.response());
      return;
    }
    try {
      await this.options.onReceipt(receipt);
      session.send(pdu.response());
    } catch (err) {
      // Not recorded: a temporary error makes the SMSC deliver the receipt again later.
      this.log.error({ err }, 'delivery receipt not recorded');
      session.send(pdu.response({ command_status: smpp.ESME_RX_T_APPN }));
    }
  }
}

function textOf(value: unknown): string | null {
  if (!value) return null;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  const message = (value as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Buffer.isBuffer(message)) return message.toString('latin1');
  return null;
}

export function parseSmppUrl(url: string): { host: string; port: number; tls: boolean } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smpp:' && parsed.protocol !== 'ssmpp:') throw new SmsProviderError('SMPP_URL must be smpp://host:port or ssmpp://host:port', true);
  const tls = parsed.protocol === 'ssmpp:';
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : tls ? 3550 : 2775, tls };
}
