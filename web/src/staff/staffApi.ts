// The staff API as the console uses it: the session lives in an HttpOnly cookie the page never sees;
// every POST carries the CSRF token the server handed out with /me or /login.
import { currentLanguage } from '../i18n/index.js';

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

export type StaffRole = 'moderator' | 'operator' | 'admin';
export interface StaffMe {
  staff: { id: string; login: string; role: StaffRole; passwordChangeRequired: boolean };
  csrfToken: string;
  idleTimeoutSeconds: number;
}

export interface CaseSummary {
  id: string;
  registrationId: string;
  status: 'open' | 'approved' | 'rejected';
  similarity: number | null;
  livenessScore: number | null;
  reasons: string[];
  createdAt: string;
  dueAt: string;
  secondsLeft: number;
  claimedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  decisionNote: string | null;
  citizen: { maskedName: string | null; phone: string; iin: string | null; language: string; registrationState: string };
}
export interface CaseEvidence {
  referencePhoto: string | null;
  frames: string[];
  scores: Record<string, unknown>;
  challengeTrace: unknown[];
  /** Cases opened since liveness evidence was kept: which signals decided, values and thresholds. */
  liveness?: LivenessEvidence;
}
export interface LivenessEvidence {
  mode: 'active' | 'passive';
  verdict: 'live' | 'no-active-evidence' | 'spoof' | 'not-met';
  signals: Array<{ signal: string; value: number | string | null; threshold?: number | string; passed: boolean }>;
}
export interface CaseDetail extends CaseSummary {
  evidence: CaseEvidence | null;
  evidenceDeletedAt: string | null;
  evidenceDeleteAfter: string | null;
}
export interface DecisionReasons {
  approve: string[];
  reject: string[];
}

export interface TicketSummary {
  id: string;
  status: 'open' | 'resolved' | 'declined';
  phone: string;
  iin: string;
  language: string;
  note: string;
  createdAt: string;
  claimedBy: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionNote: string | null;
  checklist: Record<string, boolean> | null;
}

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
  login: (login: string, password: string, totp: string) => call<StaffMe>('POST', '/login', { login, password, totp }),
  logout: () => call<null>('POST', '/logout'),
  changePassword: (currentPassword: string, newPassword: string) => call<StaffMe>('POST', '/password', { currentPassword, newPassword }),
  cases: (query: string) => call<{ cases: CaseSummary[]; reasons: DecisionReasons }>('GET', `/moderation/cases?${query}`),
  case: (id: string) => call<{ case: CaseDetail; reasons: DecisionReasons }>('GET', `/moderation/cases/${id}`),
  claimCase: (id: string) => call<{ case: CaseSummary }>('POST', `/moderation/cases/${id}/claim`),
  releaseCase: (id: string) => call<{ case: CaseSummary }>('POST', `/moderation/cases/${id}/release`),
  decide: (id: string, decision: 'approve' | 'reject', reason: string, note: string) =>
    call<{ case: CaseSummary }>('POST', `/moderation/cases/${id}/decision`, { decision, reason, note }),
  tickets: (status: string) => call<{ tickets: TicketSummary[]; checklist: string[] }>('GET', `/tickets?status=${encodeURIComponent(status)}`),
  ticket: (id: string) => call<{ ticket: TicketSummary; checklist: string[] }>('GET', `/tickets/${id}`),
  claimTicket: (id: string) => call<{ ticket: TicketSummary }>('POST', `/tickets/${id}/claim`),
  resolveTicket: (id: string, outcome: 'bound' | 'declined', checklist: Record<string, boolean>, note: string) =>
    call<{ ticket: TicketSummary }>('POST', `/tickets/${id}/resolve`, { outcome, checklist, note }),
};
