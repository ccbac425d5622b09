// One interface for every way an SMS leaves the system (outbox, SMPP, HTTP). The implementation is
// chosen in providers/index.ts from config.sms.provider; the same contract test runs against each.
import type { DeliveryReceipt } from './sms.receipt.rules.js';

export type SmsProviderName = 'outbox' | 'smpp' | 'http';

export interface ProviderMessage {
  /** Our sms_messages id (an idempotency key for providers that accept one). */
  id: string;
  /** E.164, e.g. +77011234567. */
  phone: string;
  body: string;
}

export interface ProviderAcceptance {
  /** The provider's id for the message, matched later by delivery receipts. */
  providerMessageId: string | null;
  /** True when the provider already knows the message reached the phone (the dev outbox). */
  delivered: boolean;
}

export interface SmsProvider {
  readonly name: SmsProviderName;
  /** Hands the message over; resolves once the provider accepted it, rejects with SmsProviderError. */
  send(message: ProviderMessage): Promise<ProviderAcceptance>;
  stop(): Promise<void>;
}

/** Where a provider reports delivery receipts; resolves once the receipt is safely recorded. */
export type ReceiptListener = (receipt: DeliveryReceipt) => Promise<void>;

/**
 * A provider's refusal. `permanent` means retrying cannot help (e.g. the SMSC rejected the number);
 * the message text never goes into `message`.
 */
export class SmsProviderError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'SmsProviderError';
  }
}
