// Pure rules of the citizen's sessions: assurance levels and how a
// session is shown in its list (browser and system from the User-Agent). Lifetime: src/platform/session-lifetime.rules.ts.
import { hmacSha256 } from '../platform/crypto.js';

/** How strongly the session's holder was identified: code (low), passkey (substantial), face step-up (high). */
export type Assurance = 'low' | 'substantial' | 'high';
export const ASSURANCES: readonly Assurance[] = ['low', 'substantial', 'high'];

const RANK: Record<Assurance, number> = { low: 0, substantial: 1, high: 2 };

/** Whether `actual` is at least `required`. */
export function assuranceMeets(actual: Assurance, required: Assurance): boolean {
  return RANK[actual] >= RANK[required];
}

/** How long a passed face step-up keeps a session at `high`. */
export const HIGH_ASSURANCE_SECONDS = 15 * 60;

/** When a face step-up passed at `now` keeps the session at `high` until. */
export function highAssuranceUntil(now: Date): Date {
  return new Date(now.getTime() + HIGH_ASSURANCE_SECONDS * 1000);
}

export interface EffectiveAssurance {
  assurance: Assurance;
  /** Set while a step-up holds the session at `high`: until when. */
  highUntil: Date | null;
}

/**
 * The assurance a session has now: `high` while a face step-up holds it (now < highAssuranceUntil),
 * else the base it was opened with (`low` after a code, `substantial` after a passkey).
 */
export function effectiveAssurance(session: { baseAssurance: Assurance; highAssuranceUntil: Date | null }, now: Date): EffectiveAssurance {
  const until = session.highAssuranceUntil;
  if (until && now.getTime() < until.getTime()) return { assurance: 'high', highUntil: until };
  return { assurance: session.baseAssurance, highUntil: null };
}

/** How a session was opened: an SMS code, a passkey, or the registration that just made the Digital ID. */
export type SessionMethod = 'otp' | 'passkey' | 'registration';

export interface Browser {
  /** Chrome, Edge, Firefox, Safari, Opera, Samsung Internet, Yandex Browser; null when not recognised. */
  name: string | null;
  /** Android, iOS, Windows, macOS, Linux, ChromeOS; null when not recognised. */
  os: string | null;
}

const BROWSERS: Array<[RegExp, string]> = [
  [/YaBrowser\//, 'Yandex Browser'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Edg(A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** The browser and system a session was opened from, for the citizen to recognise their devices. */
export function describeBrowser(userAgent: string | null | undefined): Browser {
  const ua = userAgent ?? '';
  return {
    name: BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null,
    os: SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null,
  };
}

/** Audit event types shown in the citizen's activity list (the rest stay for staff). */
export const ACTIVITY_TYPES = [
  'registration.completed',
  'session.started',
  'signin.failed',
  'session.ended',
  'session.revoked',
  'session.ended_everywhere',
  'digital_id.blocked',
  'digital_id.unblocked',
  'passkey.added',
  'passkey.renamed',
  'passkey.removed',
  'step_up.started',
  'step_up.passed',
  'step_up.failed',
  'step_up.locked',
  'phone.changed',
  'assistant.ticket_created',
] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/**
 * A sign-in's id, derived from its public handle (a keyed hash shaped as a version-8 UUID): a code
 * check knows the id, and so the HMAC of the typed code bound to it, before it reads the sign-in.
 */
export function signinIdFor(secret: Buffer, handle: string): string {
  const bytes = Buffer.from(hmacSha256(secret, 'signin-id', handle).subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
