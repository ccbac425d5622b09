import type { Language } from '../platform/config.js';
import type { DbOrTx } from '../platform/db/database.js';

/** What an SMS is for; each purpose has a kk/ru/en text template (see sms.texts.ts). */
export type SmsPurpose = 'otp' | 'video_check_under_review' | 'video_check_passed' | 'moderation_approved' | 'moderation_rejected' | 'bmg_updated';

export interface OutgoingSms {
  phone: string;
  language: Language;
  purpose: SmsPurpose;
  params: Record<string, string>;
}

/** The side of the SMS module the flow sees: a durable enqueue that joins the caller's transaction. */
export interface SmsOutbound {
  /** Stores the message and queues its sending in `conn` (commit = it will be sent; rollback = it never existed). */
  enqueue(conn: DbOrTx, sms: OutgoingSms): Promise<string>;
}
