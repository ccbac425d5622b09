import { describe, expect, it } from 'vitest';
import {
  chooseEncoding,
  concatenationUdh,
  decodeGsm7,
  decodeUcs2,
  encodeGsm7,
  encodeUcs2,
  parseConcatenationUdh,
  segmentCount,
  splitSms,
} from './sms.encoding.rules.js';

describe('SMS encoding', () => {
  it.each([
    ['Digital ID: your code 123456', 'gsm7'],
    ['Prices in € and [brackets] {braces} ~ | ^ \\', 'gsm7'],
    ['Accents from the GSM table: ÄÖÑÜäöñüàèéùìòÇØøÅåÆæßÉ', 'gsm7'],
    ['Код 123456', 'ucs2'],
    ['Қазақ тілі: әғқңөұүһі', 'ucs2'],
    ['Smart “quotes”', 'ucs2'],
    ['Emoji 👍', 'ucs2'],
    ['ç lower-case cedilla is not in GSM', 'ucs2'],
    ['ï is not in GSM either', 'ucs2'],
  ])('encodes %j as %s', (text, encoding) => {
    expect(chooseEncoding(text)).toBe(encoding);
    expect(splitSms(text).dataCoding).toBe(encoding === 'gsm7' ? 0 : 8);
  });

  it.each(['Digital ID: your code 123456', 'a€b[c]d{e}f~g|h^i\\j', '@£$¥ ÆæßÉ ¡¿ §'])('round-trips %j through GSM 03.38 septets', (text) => {
    expect(decodeGsm7(encodeGsm7(text))).toBe(text);
  });

  it('spends two septets on GSM extension characters', () => {
    expect(encodeGsm7('€[')).toEqual(Buffer.from([0x1b, 0x65, 0x1b, 0x3c]));
  });

  it.each(['Қазақ тілі: әғқңөұүһі', 'Никому не сообщайте', 'Emoji 👍 ok'])('round-trips %j through UCS2 (big-endian)', (text) => {
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
  });

  it.each([
    ['x'.repeat(160), 1],
    ['x'.repeat(161), 2],
    ['x'.repeat(306), 2],
    ['x'.repeat(307), 3],
    ['€'.repeat(80), 1],
    ['€'.repeat(81), 2],
    ['қ'.repeat(70), 1],
    ['қ'.repeat(71), 2],
    ['қ'.repeat(134), 2],
    ['қ'.repeat(135), 3],
  ] as const)('needs the right number of SMS for %#', (text, parts) => {
    expect(segmentCount(text)).toBe(parts);
  });

  it('cuts long UCS2 texts into 134-byte parts that join back to the text', () => {
    const text = 'Ә'.repeat(100) + 'Z'.repeat(50);
    const { parts } = splitSms(text);
    expect(parts.map((p) => p.length)).toEqual([134, 134, 32]);
    expect(parts.map(decodeUcs2).join('')).toBe(text);
  });

  it('never splits a surrogate pair or a GSM escape between parts', () => {
    const emoji = `${'a'.repeat(66)}👍${'b'.repeat(10)}`;
    const emojiParts = splitSms(emoji).parts.map(decodeUcs2);
    expect(emojiParts.join('')).toBe(emoji);
    expect(emojiParts[0].endsWith('a')).toBe(true);

    const gsm = `${'a'.repeat(152)}€${'b'.repeat(20)}`;
    const gsmParts = splitSms(gsm).parts;
    expect(gsmParts[0].length).toBe(152);
    expect(gsmParts.map(decodeGsm7).join('')).toBe(gsm);
  });

  it('writes and reads the concatenation header (8-bit reference)', () => {
    const udh = concatenationUdh(0x1a7, 3, 2);
    expect(udh).toEqual(Buffer.from([0x05, 0x00, 0x03, 0xa7, 0x03, 0x02]));
    const { udh: parsed, payload } = parseConcatenationUdh(Buffer.concat([udh, encodeUcs2('Сәлем')]));
    expect(parsed).toEqual({ reference: 0xa7, total: 3, sequence: 2 });
    expect(decodeUcs2(payload)).toBe('Сәлем');
  });

  it('reads a 16-bit reference concatenation header too', () => {
    const message = Buffer.from([0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01, 0x41]);
    expect(parseConcatenationUdh(message)).toEqual({ udh: { reference: 0x1234, total: 2, sequence: 1 }, payload: Buffer.from([0x41]) });
  });
});
