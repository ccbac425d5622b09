// Pure rules of passkeys: the relying party (PUBLIC_URL), a passkey's name (the default one from the
// authenticator or browser, and what a citizen may call it), and a ceremony's lifetime.
import { describeBrowser } from './session.rules.js';

export const PASSKEY_NAME_MAX = 60;

/** The relying party of every ceremony: PUBLIC_URL's host is the RP ID, its origin the only origin accepted. */
export function relyingParty(publicUrl: string): { rpID: string; origin: string } {
  const url = new URL(publicUrl);
  return { rpID: url.hostname, origin: url.origin };
}

/** A name as the citizen typed it, trimmed and with runs of spaces made one; null when empty or too long. */
export function normalizePasskeyName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const cleaned = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (cleaned.length === 0 || [...cleaned].length > PASSKEY_NAME_MAX) return null;
  return cleaned;
}

// Passkey providers that say who they are (their AAGUID): the name a citizen recognises. Others (and
// providers that send zeros) are named after the browser that added them.
const PROVIDERS: Record<string, string> = {
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Password Manager',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome on Mac',
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'iCloud Keychain',
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2': 'iCloud Keychain',
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': 'Windows Hello',
  '53414d53-554e-4700-0000-000000000000': 'Samsung Pass',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  '531126d6-e717-415c-9320-3d9aa6981239': 'Dashlane',
  'b84e4048-15dc-4dd0-8640-f4f60813c8af': 'NordPass',
  '0ea242b4-43c4-4a1b-8b17-dd6d0b6baec6': 'Keeper',
  'f8a011f3-8c0a-4d15-8006-17111f9edc7d': 'Security key',
};

/** The name a new passkey gets unless the citizen gives one: its provider, else "Browser on System", else "Passkey". */
export function defaultPasskeyName(aaguid: string, userAgent: string | null | undefined): string {
  const provider = PROVIDERS[aaguid.toLowerCase()];
  if (provider) return provider;
  const { name, os } = describeBrowser(userAgent);
  if (name && os) return `${name}, ${os}`;
  return name ?? os ?? 'Passkey';
}

/** When a challenge issued at `now` stops being accepted. */
export function challengeExpiry(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}
