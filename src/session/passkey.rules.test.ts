import { describe, expect, it } from 'vitest';
import { challengeExpiry, defaultPasskeyName, normalizePasskeyName, relyingParty } from './passkey.rules.js';

describe('passkey rules', () => {
  it('takes the relying party from PUBLIC_URL: its host is the RP ID, its origin the one origin', () => {
    expect(relyingParty('https://id.example.kz')).toEqual({ rpID: 'id.example.kz', origin: 'https://id.example.kz' });
    expect(relyingParty('http://localhost:5173/app')).toEqual({ rpID: 'localhost', origin: 'http://localhost:5173' });
  });

  it('trims a name and joins its spaces; refuses an empty one, one over 60 characters, and a non-string', () => {
    expect(normalizePasskeyName('  Менің   телефоным ')).toBe('Менің телефоным');
    expect(normalizePasskeyName('я'.repeat(60))).toBe('я'.repeat(60));
    expect(normalizePasskeyName('я'.repeat(61))).toBeNull();
    expect(normalizePasskeyName(' \t ')).toBeNull();
    expect(normalizePasskeyName(42)).toBeNull();
  });

  it('names a new passkey after its provider, else the browser and system, else "Passkey"', () => {
    expect(defaultPasskeyName('EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4', null)).toBe('Google Password Manager');
    const android = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
    expect(defaultPasskeyName('00000000-0000-0000-0000-000000000000', android)).toBe('Chrome, Android');
    expect(defaultPasskeyName('00000000-0000-0000-0000-000000000000', 'curl/8')).toBe('Passkey');
  });

  it('ends a challenge its lifetime after it was issued', () => {
    expect(challengeExpiry(new Date('2026-01-01T00:00:00Z'), 120).toISOString()).toBe('2026-01-01T00:02:00.000Z');
  });
});
