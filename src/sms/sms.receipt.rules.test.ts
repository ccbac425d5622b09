import { describe, expect, it } from 'vitest';
import { formatReceiptText, outcomeOfState, parseReceiptText, receiptFromDeliverSm } from './sms.receipt.rules.js';

const TEXT = 'id:0123456789 sub:001 dlvr:001 submit date:2611251200 done date:2611251201 stat:DELIVRD err:000 text:Digital ID';

describe('delivery receipts', () => {
  it('reads id, stat and err from the receipt text', () => {
    expect(parseReceiptText(TEXT)).toEqual({ id: '0123456789', stat: 'DELIVRD', err: '000' });
  });

  it('reads a receipt text in lower case with extra spacing', () => {
    expect(parseReceiptText('ID:abc  SUB:001 stat:undeliv err:011')).toEqual({ id: 'abc', stat: 'UNDELIV', err: '011' });
  });

  it('does not take an ordinary message for a receipt', () => {
    expect(parseReceiptText('Hello, I did not get my code')).toBeNull();
  });

  it.each([
    ['DELIVRD', 'delivered'],
    ['UNDELIV', 'undeliverable'],
    ['EXPIRED', 'undeliverable'],
    ['REJECTD', 'undeliverable'],
    ['DELETED', 'undeliverable'],
    ['UNKNOWN', 'undeliverable'],
    ['ENROUTE', 'pending'],
    ['ACCEPTD', 'pending'],
    ['delivered', 'delivered'],
  ] as const)('maps stat %s to %s', (state, outcome) => {
    expect(outcomeOfState(state)).toBe(outcome);
  });

  it('prefers the TLVs receipted_message_id and message_state over the text', () => {
    expect(receiptFromDeliverSm({ receipted_message_id: 'tlv-1', message_state: 5, text: TEXT })).toEqual({
      providerMessageId: 'tlv-1',
      outcome: 'undeliverable',
      state: 'UNDELIV',
      error: '000',
    });
  });

  it('uses the text alone when the SMSC sends no TLVs', () => {
    expect(receiptFromDeliverSm({ text: TEXT })).toMatchObject({ providerMessageId: '0123456789', outcome: 'delivered', state: 'DELIVRD' });
  });

  it('uses the TLVs alone when the receipt has no text', () => {
    expect(receiptFromDeliverSm({ receipted_message_id: '5a1f\0', message_state: 2, text: '' })).toMatchObject({ providerMessageId: '5a1f', outcome: 'delivered' });
  });

  it('returns null for a deliver_sm that carries neither', () => {
    expect(receiptFromDeliverSm({ text: 'hi' })).toBeNull();
  });

  it('formats a receipt text that it can read back', () => {
    expect(parseReceiptText(formatReceiptText('ab12', 'UNDELIV'))).toEqual({ id: 'ab12', stat: 'UNDELIV', err: '000' });
  });
});
