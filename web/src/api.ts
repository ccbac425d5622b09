// The registration API as the wizard uses it. Errors arrive as {error:{code,message,details?}} with the
// message in the UI language (Accept-Language); the UI prefers its own text for codes it knows.
import { currentLanguage } from './i18n/index.js';
import type { ApiOperations, ErrorBody } from './api-types.js';

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

// Request and response types come from the server's OpenAPI document (api-types.ts, `npm run api:types`).
type Op = keyof ApiOperations;
export type Reply<K extends Op, S extends keyof ApiOperations[K]['responses']> = ApiOperations[K]['responses'][S];
type Body<K extends Op> = ApiOperations[K] extends { body: infer B } ? B : never;

/** A stable machine code the API answers with (NETWORK: the request did not reach it). */
export type ErrorCode = ErrorBody['error']['code'];
export type StartedRegistration = Reply<'POST /api/v1/registrations', 201>;
export type OtpTiming = StartedRegistration['otp'];
export type RegistrationState = StartedRegistration['state'];
export type RegistrationView = Reply<'GET /api/v1/registrations/{id}', 200>;
export type VideoCheck = Reply<'POST /api/v1/registrations/{id}/video-checks', 201>;
export type VideoCheckResult = Reply<'POST /api/v1/registrations/{id}/video-checks/{checkId}', 200>;
export type VideoCheckOutcome = VideoCheckResult['outcome'];
export type AssistantTicketRequest = Body<'POST /api/v1/assistant/tickets'>;

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
  start: (phone: string) =>
    call<StartedRegistration>('POST', base, { body: { phone, language: currentLanguage() } satisfies Body<'POST /api/v1/registrations'> }),
  resendOtp: (id: string, token: string) => call<Reply<'POST /api/v1/registrations/{id}/otp/resend', 200>>('POST', `${base}/${id}/otp/resend`, { token }),
  verifyOtp: (id: string, token: string, code: string) =>
    call<Reply<'POST /api/v1/registrations/{id}/otp', 200>>('POST', `${base}/${id}/otp`, { token, body: { code } satisfies Body<'POST /api/v1/registrations/{id}/otp'> }),
  submitIin: (id: string, token: string, iin: string) =>
    call<Reply<'POST /api/v1/registrations/{id}/iin', 200>>('POST', `${base}/${id}/iin`, { token, body: { iin } satisfies Body<'POST /api/v1/registrations/{id}/iin'> }),
  get: (id: string, token: string) => call<RegistrationView>('GET', `${base}/${id}`, { token }),
  startVideoCheck: (id: string, token: string) => call<VideoCheck>('POST', `${base}/${id}/video-checks`, { token }),
  submitVideoCheck: (id: string, token: string, checkId: string, form: FormData) =>
    call<VideoCheckResult>('POST', `${base}/${id}/video-checks/${checkId}`, { token, form }),
  createAssistantTicket: (body: AssistantTicketRequest, token?: string) =>
    call<Reply<'POST /api/v1/assistant/tickets', 201>>('POST', '/api/v1/assistant/tickets', { token, body }),
};
