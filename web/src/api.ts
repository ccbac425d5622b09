// The registration API as the wizard uses it. Errors arrive as {error:{code,message,details?}} with the
// message in the UI language (Accept-Language); the UI prefers its own text for codes it knows.
import { currentLanguage } from './i18n/index.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly details: Record<string, unknown> = {},
    /** Seconds from a Retry-After header, when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(code);
  }
}

export interface OtpTiming {
  expiresAt: string;
  resendAvailableAt: string;
}
export type RegistrationState = 'AWAITING_OTP' | 'AWAITING_IIN' | 'AWAITING_VIDEO_CHECK' | 'UNDER_REVIEW' | 'COMPLETED' | 'REJECTED';
export interface StartedRegistration {
  id: string;
  token: string;
  state: RegistrationState;
  otp: OtpTiming;
}
export interface RegistrationView {
  id: string;
  state: RegistrationState;
  person?: { maskedName: string } | null;
  lockedUntil?: string | null;
  /** Failed video checks left before the lock (kept per person and phone). */
  attemptsLeft?: number;
}
export interface VideoCheck {
  checkId: string;
  challenges: string[];
  expiresAt: string;
  /** challengeWindowMs: each challenge's slot (prompt k during slot k); passiveMs: a passive check's length. */
  capture: { minFrames: number; maxFrames: number; maxFrameBytes: number; fps: number; challengeWindowMs?: number; passiveMs?: number };
}
export type VideoCheckOutcome = 'PASSED' | 'RETRY' | 'UNDER_REVIEW' | 'LOCKED';
export interface VideoCheckResult {
  outcome: VideoCheckOutcome;
  reasons: string[];
  attemptsLeft?: number;
  lockedUntil?: string | null;
}

/** Server clock minus ours, from the Date header: countdowns follow the server's deadlines. */
let clockOffsetMs = 0;
export function serverNow(): number {
  return Date.now() + clockOffsetMs;
}

export async function call<T>(method: string, path: string, options: { body?: unknown; token?: string; form?: FormData; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': currentLanguage(), accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch {
    throw new ApiError(0, 'NETWORK', '');
  }
  const date = response.headers.get('date');
  if (date) clockOffsetMs = Date.parse(date) - Date.now();
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: a proxy error page */
  }
  if (!response.ok) {
    const error = json?.error ?? {};
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      typeof error.code === 'string' ? error.code : response.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR',
      typeof error.message === 'string' ? error.message : '',
      error.details ?? {},
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }
  return json as T;
}

const base = '/api/v1/registrations';

export const api = {
  start: (phone: string) => call<StartedRegistration>('POST', base, { body: { phone, language: currentLanguage() } }),
  resendOtp: (id: string, token: string) => call<{ otp: OtpTiming }>('POST', `${base}/${id}/otp/resend`, { token }),
  verifyOtp: (id: string, token: string, code: string) => call<{ state: RegistrationState }>('POST', `${base}/${id}/otp`, { token, body: { code } }),
  submitIin: (id: string, token: string, iin: string) =>
    call<{ state: RegistrationState; person: { maskedName: string }; lockedUntil?: string | null }>('POST', `${base}/${id}/iin`, { token, body: { iin } }),
  get: (id: string, token: string) => call<RegistrationView>('GET', `${base}/${id}`, { token }),
  startVideoCheck: (id: string, token: string) => call<VideoCheck>('POST', `${base}/${id}/video-checks`, { token }),
  submitVideoCheck: (id: string, token: string, checkId: string, form: FormData) =>
    call<VideoCheckResult>('POST', `${base}/${id}/video-checks/${checkId}`, { token, form }),
  createAssistantTicket: (body: Record<string, unknown>, token?: string) => call<{ id: string; status: string }>('POST', '/api/v1/assistant/tickets', { token, body }),
};
