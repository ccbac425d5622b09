import type { Language } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';

import type { SmsParams, SmsPurpose } from './sms.texts.js';

export type { SmsPurpose } from './sms.texts.js';

/** One SMS to send: its purpose (sms.texts.ts) decides which params it needs. */
export type OutgoingSms = {
  [P in SmsPurpose]: { phone: string; language: Language; purpose: P; params: SmsParams<P> };
}[SmsPurpose];

/** The side of the SMS module the flow sees: a durable enqueue that joins the caller's transaction. */
export interface SmsOutbound {
  /** Stores the message and queues its sending in `conn` (commit = it will be sent; rollback = it never existed). */
  enqueue(conn: DbOrTx, sms: OutgoingSms): Promise<string>;
}
