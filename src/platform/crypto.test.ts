import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, randomToken, secureRandomBytes } from './crypto.js';

describe('secureRandomBytes', () => {
  it('hands out each byte once, across block refills, in buffers of their own', () => {
    const first = secureRandomBytes(32);
    const kept = Buffer.from(first);
    const draws = Array.from({ length: 400 }, (_, i) => secureRandomBytes(1 + (i % 40)));
    expect(first).toEqual(kept); // not a view on the block, which is zeroed as it is handed out
    expect(draws.map((d) => d.length)).toEqual(draws.map((_, i) => 1 + (i % 40)));
    const tokens = draws.filter((d) => d.length >= 16).map((d) => d.toString('hex'));
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(draws.every((d) => d.length < 8 || d.some((byte) => byte !== 0))).toBe(true);
  });

  it('draws a large request directly', () => {
    expect(secureRandomBytes(5000)).toHaveLength(5000);
  });

  it('makes 256-bit tokens and distinct IVs', () => {
    expect(Buffer.from(randomToken(), 'base64url')).toHaveLength(32);
    const key = Buffer.alloc(32, 7);
    const a = encrypt(key, Buffer.from('same text'), 'ctx');
    const b = encrypt(key, Buffer.from('same text'), 'ctx');
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(decrypt(key, a, 'ctx').toString()).toBe('same text');
  });
});
