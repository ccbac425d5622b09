// What an SMS says, at rest. The row keeps `body` with every code starred out (safe to show staff and
// support) and the exact text only AES-256-GCM encrypted, bound to the message id; the exact text is
// dropped once a real provider has it. The development outbox is the phone, so it keeps its texts.
import { decrypt, encrypt } from '../platform/crypto.js';
import { redactCodes } from './sms.texts.js';

function context(messageId: string): string {
  return `sms-body:${messageId}`;
}

export function sealBody(key: Buffer, messageId: string, text: string): { body: string; bodyEncrypted: Buffer } {
  return { body: redactCodes(text), bodyEncrypted: encrypt(key, Buffer.from(text, 'utf8'), context(messageId)) };
}

/** The exact text, or null when it is no longer kept (handed on, or stored before encryption). */
export function openBody(key: Buffer, row: { id: string; body_encrypted: Buffer | null }): string | null {
  return row.body_encrypted === null ? null : decrypt(key, row.body_encrypted, context(row.id)).toString('utf8');
}
