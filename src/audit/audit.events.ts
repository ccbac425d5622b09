// Every audit event the service writes, with the shape of its details: the one list a reader of the
// audit trail (or of GET /api/staff/audit-events) needs. A new event: add its type here, then
// `appendAudit(conn, { type, actor, …, details })` compiles; a misspelt type or missing detail does not.
// Details hold masked identifiers only (maskPhone/maskIin), never a full IIN, phone or code.

export interface AuditEventDetails {
  // registration: the phone and its one-time code
  'otp.sent': { resend: true } | undefined;
  'otp.verified': undefined;
  'otp.failed': { reason: string };
  'otp.locked': { reason: string };
  'otp.send_limited': undefined;
  // registration: the IIN step
  'iin.accepted': undefined;
  'iin.not_found': undefined;
  'iin.already_registered': undefined;
  // the IIN has no Digital ID but the phone is another's (written by iin_attempt_finish, migration 0028)
  'iin.phone_in_use': undefined;
  'iin.attempts_limited': { retryAfter: number };
  'iin.attempts_exceeded': { limit: number };
  'bmg.mismatch': { phone: string };
  'registration.completed': { method: string };
  // biometrics
  'video_check.completed': {
    checkId: string;
    outcome: string;
    reasons: string[];
    similarity: number | null;
    livenessScore: number;
    liveness: { mode: string; verdict: string; signals: unknown };
  };
  // moderation
  'moderation.case_viewed': { caseId: string; evidence: boolean };
  'moderation.case_claimed': { caseId: string };
  'moderation.case_released': { caseId: string };
  'moderation.approved': { caseId: string; reason: string; note: boolean };
  'moderation.rejected': { caseId: string; reason: string; note: boolean };
  // assistant (BMG-update tickets)
  // for: a registration's IIN step, or a change of a Digital ID's phone (the new number)
  'assistant.ticket_created': { ticketId: string; iin: string; for?: 'phone_change'; phone?: string };
  'assistant.ticket_viewed': { ticketId: string };
  'assistant.ticket_claimed': { ticketId: string };
  'assistant.ticket_declined': { ticketId: string; checklist: Record<string, boolean> };
  'bmg.binding_updated': { ticketId: string; iin: string; registry: string; checklist: Record<string, boolean> };
  // staff accounts and sign-in
  'staff.account_created': { role: string };
  'staff.login': { sessionId: string };
  'staff.login_failed': { reason: 'unknown_login' | 'wrong_password' | 'wrong_totp' | 'replayed_totp' };
  'staff.login_throttled': { scope: string; seconds: number; failures: number };
  'staff.logout': undefined;
  'staff.password_changed': undefined;
  // the citizen's Digital ID in use (src/session): sign-in, sessions, block
  'signin.started': undefined;
  'signin.failed': { reason: string };
  'session.started': { sessionId: string; method: string; assurance: string };
  'session.ended': { sessionId: string };
  'session.revoked': { sessionId: string; by: string };
  'session.ended_everywhere': { sessionId: string; ended: number };
  // via staff: an administrator at the citizen's request (the support centre), with the operator's note
  'digital_id.blocked': { via: 'session' | 'sms_code' | 'staff'; sessionId: string | null; sessionsEnded: number; note?: string };
  'digital_id.unblocked': { note: string; blockedAt: string };
  // passkeys of the Digital ID (src/session/passkey.service.ts); a passkey sign-in is session.started, method passkey
  'passkey.added': { passkeyId: string; sessionId: string; aaguid: string };
  'passkey.renamed': { passkeyId: string; sessionId: string };
  'passkey.removed': { passkeyId: string; sessionId: string };
  // OpenID Connect (src/oidc): the services citizens sign in to, and what each may see
  'oidc.client_created': { clientId: string; name: string; scopes: string[]; firstParty: boolean };
  'oidc.client_updated': { clientId: string; changed: string[]; disabled: boolean };
  'oidc.signed_in': { clientId: string; sessionId: string; acr: string };
  'oidc.consent_given': { clientId: string; grantId: string; scopes: string[] };
  'oidc.consent_denied': { clientId: string };
  'oidc.grant_revoked': { clientId: string; grantIds: string[]; recordsRevoked: number };
  // the face step-up of a session (src/biometrics/step-up.service.ts) and the change of phone (src/profile)
  'step_up.started': { sessionId: string; checkId: string };
  // reference: what the face was compared with — the Digital ID's enrolled face, or the registry photo
  'step_up.passed': { sessionId: string; checkId: string; highUntil: string; similarity: number | null; reference: StepUpReference };
  'step_up.failed': StepUpFailure;
  'step_up.locked': StepUpFailure & { lockedUntil: string | null };
  'phone.change_started': { changeId: string; newPhone: string };
  'phone.changed': { changeId: string; oldPhone: string; newPhone: string };
  // staff (admin) looking up Digital IDs: by IIN, by phone, or the list of blocked ones
  'staff.digital_ids_searched': { by: 'iin' | 'phone' | 'blocked'; found: number };
}

interface StepUpFailure {
  sessionId: string;
  checkId: string;
  reasons: string[];
  similarity: number | null;
  reference: StepUpReference;
  livenessScore: number;
  liveness: { mode: string; verdict: string; signals: unknown };
}

type StepUpReference = 'enrolment' | 'registry_photo' | null;

export type AuditEventType = keyof AuditEventDetails;

/** Who caused the event: a citizen, the system, a moderator decision, an unknown sign-in, or a staff member. */
export type AuditActor = 'citizen' | 'system' | 'moderator' | 'anonymous' | `staff:${string}`;

interface AuditEventBase {
  actor: AuditActor;
  registrationId?: string | null;
  /** masked phone or IIN, or a staff login */
  subject?: string | null;
  clientIp?: string | null;
  /** The Digital ID the event is about: it then shows in the citizen's activity list. */
  profileId?: string | null;
}

type WithDetails<D> = undefined extends D ? { details?: D } : { details: D };

/** One event: its type decides the shape of its details. */
export type AuditEvent = { [T in AuditEventType]: AuditEventBase & { type: T } & WithDetails<AuditEventDetails[T]> }[AuditEventType];
