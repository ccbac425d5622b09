// Delivery receipts as SMSCs send them: SMPP 3.4 TLVs (receipted_message_id, message_state) and/or
// the de-facto text "id:… sub:… dlvr:… submit date:… done date:… stat:DELIVRD err:000 text:…".

export type ReceiptOutcome = 'delivered' | 'undeliverable' | 'pending';

export interface DeliveryReceipt {
  /** Message id as the SMSC gave it in submit_sm_resp (matched exactly; SMSCs that echo it in another
   * base need their id format configured, as Kannel's msg-id-type does). */
  providerMessageId: string;
  outcome: ReceiptOutcome;
  /** The raw state, e.g. DELIVRD or UNDELIV, for last_error and logs. */
  state: string;
  error: string | null;
}

// SMPP 3.4 §5.2.28 message_state values.
const STATE_BY_CODE: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
  9: 'SKIPPED',
};

export function outcomeOfState(state: string): ReceiptOutcome {
  switch (state.toUpperCase()) {
    case 'DELIVRD':
    case 'DELIVERED':
      return 'delivered';
    case 'EXPIRED':
    case 'DELETED':
    case 'UNDELIV':
    case 'UNDELIVERABLE':
    case 'REJECTD':
    case 'REJECTED':
    case 'UNKNOWN':
    case 'SKIPPED':
      return 'undeliverable';
    default:
      return 'pending';
  }
}

/** Parses the `id:… stat:…` receipt text; null when the text is not a receipt. */
export function parseReceiptText(text: string): { id: string; stat: string; err: string | null } | null {
  const id = /(?:^|\s)id:(\S+)/i.exec(text);
  const stat = /(?:^|\s)stat:(\S+)/i.exec(text);
  if (!id || !stat) return null;
  const err = /(?:^|\s)err:(\S+)/i.exec(text);
  return { id: id[1], stat: stat[1].toUpperCase(), err: err ? err[1] : null };
}

/** Builds a receipt from a deliver_sm's fields, preferring the TLVs over the text. */
export function receiptFromDeliverSm(pdu: { receipted_message_id?: unknown; message_state?: unknown; text?: string | null }): DeliveryReceipt | null {
  const parsed = pdu.text ? parseReceiptText(pdu.text) : null;
  const tlvId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id.replace(/\0+$/, '') : '';
  const id = tlvId || parsed?.id;
  const tlvState = typeof pdu.message_state === 'number' ? STATE_BY_CODE[pdu.message_state] : undefined;
  const state = tlvState ?? parsed?.stat;
  if (!id || !state) return null;
  return { providerMessageId: id, outcome: outcomeOfState(state), state, error: parsed?.err ?? null };
}

/** Formats the receipt text an SMSC would send (used by test SMSCs). */
export function formatReceiptText(id: string, stat: string, at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-T:]/g, '').slice(2, 12);
  return `id:${id} sub:001 dlvr:${stat === 'DELIVRD' ? '001' : '000'} submit date:${stamp} done date:${stamp} stat:${stat} err:000 text:`;
}
