// How a text travels as SMS: the GSM 03.38 alphabet when every character is in it (160 per SMS),
// otherwise UCS2 (70 per SMS; all Kazakh and Russian texts). Longer texts are split into parts
// that carry a concatenation header (UDH, 8-bit reference) so the phone shows one message.

export type SmsEncoding = 'gsm7' | 'ucs2';

/** SMPP data_coding: 0 = SMSC default alphabet (GSM 03.38), 8 = UCS2. */
export const DATA_CODING: Record<SmsEncoding, number> = { gsm7: 0, ucs2: 8 };

// GSM 03.38 basic table: the index is the septet value (27 = escape to the extension table).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION: Record<string, number> = { '\f': 0x0a, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2f, '[': 0x3c, '~': 0x3d, ']': 0x3e, '|': 0x40, '€': 0x65 };
const ESC = 0x1b;

const basicIndex = new Map<string, number>([...GSM_BASIC].map((ch, i) => [ch, i]));
const extensionByCode = new Map<number, string>(Object.entries(GSM_EXTENSION).map(([ch, code]) => [code, ch]));

/** Limits in characters (septets for GSM, UTF-16 code units for UCS2). */
export const LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

export function isGsm7(text: string): boolean {
  for (const ch of text) {
    if (ch !== '\u001b' && (basicIndex.has(ch) || ch in GSM_EXTENSION)) continue;
    return false;
  }
  return true;
}

export function chooseEncoding(text: string): SmsEncoding {
  return isGsm7(text) ? 'gsm7' : 'ucs2';
}

/** GSM 03.38 as unpacked septets, one per byte (how SMPP carries data_coding 0); extension chars take two. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const basic = basicIndex.get(ch);
    if (basic !== undefined && basic !== ESC) out.push(basic);
    else if (ch in GSM_EXTENSION) out.push(ESC, GSM_EXTENSION[ch]);
    else out.push(basicIndex.get('?')!);
  }
  return Buffer.from(out);
}

export function decodeGsm7(bytes: Buffer): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] & 0x7f;
    if (b === ESC && i + 1 < bytes.length) {
      text += extensionByCode.get(bytes[++i] & 0x7f) ?? ' ';
    } else {
      text += GSM_BASIC[b];
    }
  }
  return text;
}

export function encodeUcs2(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return le.swap16();
}

export function decodeUcs2(bytes: Buffer): string {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return copy.swap16().toString('utf16le');
}

export interface SplitSms {
  encoding: SmsEncoding;
  dataCoding: number;
  /** Payload of each part, without the concatenation header. */
  parts: Buffer[];
}

/** Encodes `text` and cuts it into parts that each fit one SMS, never inside a character. */
export function splitSms(text: string): SplitSms {
  const encoding = chooseEncoding(text);
  const units = encoding === 'gsm7' ? gsmUnits(text) : ucs2Units(text);
  const totalBytes = units.reduce((n, u) => n + u.length, 0);
  const { single, part } = LIMITS[encoding];
  const bytesPerChar = encoding === 'gsm7' ? 1 : 2;
  if (totalBytes <= single * bytesPerChar) {
    return { encoding, dataCoding: DATA_CODING[encoding], parts: [Buffer.concat(units)] };
  }
  const maxBytes = part * bytesPerChar;
  const parts: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const unit of units) {
    if (size + unit.length > maxBytes) {
      parts.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(unit);
    size += unit.length;
  }
  if (current.length > 0) parts.push(Buffer.concat(current));
  return { encoding, dataCoding: DATA_CODING[encoding], parts };
}

/** Number of SMS a text costs. */
export function segmentCount(text: string): number {
  return splitSms(text).parts.length;
}

// Indivisible units: a GSM extension char is ESC + code; a UCS2 surrogate pair is 4 bytes.
function gsmUnits(text: string): Buffer[] {
  return [...text].map((ch) => encodeGsm7(ch));
}

function ucs2Units(text: string): Buffer[] {
  return [...text].map((ch) => encodeUcs2(ch));
}

/** The 6-byte concatenation header: IEI 0x00 (8-bit reference), reference, total parts, this part (1-based). */
export function concatenationUdh(reference: number, total: number, sequence: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence]);
}

export interface ParsedUdh {
  reference: number;
  total: number;
  sequence: number;
}

/** Reads a concatenation header (8- or 16-bit reference) from the start of a short_message. */
export function parseConcatenationUdh(message: Buffer): { udh: ParsedUdh | null; payload: Buffer } {
  if (message.length === 0) return { udh: null, payload: message };
  const udhl = message[0];
  const end = 1 + udhl;
  let udh: ParsedUdh | null = null;
  for (let i = 1; i + 1 < end; ) {
    const iei = message[i];
    const len = message[i + 1];
    const data = message.subarray(i + 2, i + 2 + len);
    if (iei === 0x00 && len === 3) udh = { reference: data[0], total: data[1], sequence: data[2] };
    if (iei === 0x08 && len === 4) udh = { reference: data.readUInt16BE(0), total: data[2], sequence: data[3] };
    i += 2 + len;
  }
  return { udh, payload: message.subarray(end) };
}
