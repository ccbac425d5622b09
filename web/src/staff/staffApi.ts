// The staff API as the console uses it: the session lives in an HttpOnly cookie the page never sees;
// every POST carries the CSRF token the server handed out with /me or /login.
import { currentLanguage } from '../i18n/index.js';
import type { Reply } from '../api.js';
import type { ApiOperations } from '../api-types.js';

export class StaffApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly serverMessage: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

// Types come from the server's OpenAPI document (api-types.ts, `npm run api:types`), like the wizard's.
export type StaffMe = Reply<'GET /api/v1/staff/me', 200>;
export type StaffRole = StaffMe['staff']['role'];
type CaseList = Reply<'GET /api/v1/staff/moderation/cases', 200>;
export type CaseSummary = CaseList['cases'][number];
export type DecisionReasons = CaseList['reasons'];
export type CaseDetail = Reply<'GET /api/v1/staff/moderation/cases/{id}', 200>['case'];
export type CaseEvidence = NonNullable<CaseDetail['evidence']>;
export type LivenessEvidence = NonNullable<CaseEvidence['liveness']>;
type TicketList = Reply<'GET /api/v1/staff/tickets', 200>;
export type TicketSummary = TicketList['tickets'][number];
export type AuditEvent = Reply<'GET /api/v1/staff/audit', 200>['events'][number];
export type DigitalIdForStaff = Reply<'GET /api/v1/staff/digital-ids', 200>['digitalIds'][number];
export type OidcClientForStaff = Reply<'GET /api/v1/staff/oidc-clients', 200>['clients'][number];
export type OidcClientChanges = ApiOperations['PATCH /api/v1/staff/oidc-clients/{clientId}']['body'];

let csrfToken = '';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': currentLanguage(), accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/v1/staff${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new StaffApiError(0, 'NETWORK', '');
  }
  const text = await response.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!response.ok) {
    const error = json?.error ?? {};
    throw new StaffApiError(response.status, String(error.code ?? 'INTERNAL_ERROR'), String(error.message ?? ''), error.details ?? {});
  }
  if (json && typeof json.csrfToken === 'string') csrfToken = json.csrfToken;
  return json as T;
}

export const staffApi = {
  me: () => call<StaffMe>('GET', '/me'),
  audit: (limit: number) => call<Reply<'GET /api/v1/staff/audit', 200>>('GET', `/audit?limit=${limit}`),
  login: (login: string, password: string, totp: string) => call<Reply<'POST /api/v1/staff/login', 200>>('POST', '/login', { login, password, totp }),
  logout: () => call<null>('POST', '/logout'),
  changePassword: (currentPassword: string, newPassword: string) => call<Reply<'POST /api/v1/staff/password', 200>>('POST', '/password', { currentPassword, newPassword }),
  cases: (query: string) => call<CaseList>('GET', `/moderation/cases?${query}`),
  case: (id: string) => call<Reply<'GET /api/v1/staff/moderation/cases/{id}', 200>>('GET', `/moderation/cases/${id}`),
  claimCase: (id: string) => call<Reply<'POST /api/v1/staff/moderation/cases/{id}/claim', 200>>('POST', `/moderation/cases/${id}/claim`),
  releaseCase: (id: string) => call<Reply<'POST /api/v1/staff/moderation/cases/{id}/release', 200>>('POST', `/moderation/cases/${id}/release`),
  decide: (id: string, decision: 'approve' | 'reject', reason: string, note: string) =>
    call<Reply<'POST /api/v1/staff/moderation/cases/{id}/decision', 200>>('POST', `/moderation/cases/${id}/decision`, { decision, reason, note }),
  digitalIds: (query: string) => call<Reply<'GET /api/v1/staff/digital-ids', 200>>('GET', `/digital-ids?q=${encodeURIComponent(query)}`),
  unblock: (iin: string, note: string) => call<null>('POST', '/digital-ids/unblock', { iin, note }),
  block: (iin: string, note: string) => call<null>('POST', '/digital-ids/block', { iin, note }),
  oidcClients: () => call<Reply<'GET /api/v1/staff/oidc-clients', 200>>('GET', '/oidc-clients'),
  updateOidcClient: (clientId: string, changes: OidcClientChanges) => call<OidcClientForStaff>('PATCH', `/oidc-clients/${encodeURIComponent(clientId)}`, changes),
  tickets: (status: string) => call<TicketList>('GET', `/tickets?status=${encodeURIComponent(status)}`),
  ticket: (id: string) => call<Reply<'GET /api/v1/staff/tickets/{id}', 200>>('GET', `/tickets/${id}`),
  claimTicket: (id: string) => call<Reply<'POST /api/v1/staff/tickets/{id}/claim', 200>>('POST', `/tickets/${id}/claim`),
  resolveTicket: (id: string, outcome: 'bound' | 'declined', checklist: Record<string, boolean>, note: string) =>
    call<Reply<'POST /api/v1/staff/tickets/{id}/resolve', 200>>('POST', `/tickets/${id}/resolve`, { outcome, checklist, note }),
};
