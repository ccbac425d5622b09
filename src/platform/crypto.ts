import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: Buffer, ...parts: string[]): Buffer {
  const h = createHmac('sha256', key);
  for (const part of parts) h.update(part).update('\0');
  return h.digest();
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when an Authorization header carries exactly `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match) return false;
  return constantTimeEqual(Buffer.from(match[1]), Buffer.from(token));
}

/**
 * Each call of the CSPRNG costs several microseconds whatever its size, so small draws are cut from a
 * block drawn at once (as Node's randomUUID does). A byte is handed out once and zeroed in the block.
 */
const RANDOM_BLOCK_BYTES = 4096;
let randomBlock = Buffer.alloc(0);
let randomBlockOffset = 0;

/** `n` bytes from the CSPRNG, as `randomBytes(n)`. */
export function secureRandomBytes(n: number): Buffer {
  if (n > RANDOM_BLOCK_BYTES / 8) return randomBytes(n);
  if (randomBlockOffset + n > randomBlock.length) {
    randomBlock = randomBytes(RANDOM_BLOCK_BYTES);
    randomBlockOffset = 0;
  }
  const end = randomBlockOffset + n;
  const out = Buffer.from(randomBlock.subarray(randomBlockOffset, end));
  randomBlock.fill(0, randomBlockOffset, end);
  randomBlockOffset = end;
  return out;
}

/** 256-bit opaque token, base64url. */
export function randomToken(): string {
  return secureRandomBytes(32).toString('base64url');
}

/** n decimal digits from a CSPRNG, leading zeros allowed. */
export function randomDigits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(0, 10));
  return out;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

/** AES-256-GCM; output = version(1) | iv(12) | tag(16) | ciphertext. `context` binds the data to its owner. */
export function encrypt(key: Buffer, plaintext: Buffer, context = ''): Buffer {
  const iv = secureRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export function decrypt(key: Buffer, sealed: Buffer, context = ''): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('not an encrypted blob of a known version');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}
