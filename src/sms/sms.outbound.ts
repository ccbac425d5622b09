import type { Language } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';

import type { SmsParams, SmsPurpose } from './sms.texts.js';

export type { SmsPurpose } from './sms.texts.js';

/** One SMS to send: its purpose (sms.texts.ts) decides which params it needs. */
export type OutgoingSms = {
  [P in SmsPurpose]: { phone: string; language: Language; purpose: P; params: SmsParams<P> };
}[SmsPurpose];

/**
 * A message rendered and sealed, with the options of its sending: what a step's own SQL function
 * writes (through `sms_enqueue`, migrations 0011 and 0025) when the step runs in one round trip.
 */
export interface PreparedSms {
  queue: string;
  id: string;
  phone: string;
  language: Language;
  purpose: SmsPurpose;
  /** Codes starred out. */
  body: string;
  bodyEncrypted: Buffer;
  priority: number;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireSeconds: number;
}

/** The side of the SMS module the flow sees: a durable enqueue that joins the caller's transaction. */
export interface SmsOutbound {
  /** Stores the message and queues its sending in `conn` (commit = it will be sent; rollback = it never existed). */
  enqueue(conn: DbOrTx, sms: OutgoingSms): Promise<string>;
  /** The message ready for a step's own statement to store and queue; call `queued` once that committed. */
  prepare(sms: OutgoingSms): PreparedSms;
  queued(sms: PreparedSms): void;
}
