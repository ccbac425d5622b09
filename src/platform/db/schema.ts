// Kysely table types: one interface per table, in the order of the flow.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface RegistrationsTable {
  id: string;
  token_hash: Buffer;
  state: string;
  phone: string;
  language: string;
  iin: string | null;
  masked_name: string | null;
  rejection_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  expires_at: Timestamp;
  completed_at: NullableTimestamp;
  /** The phone's keys the IIN step needs (HMACs; migration 0023): null for a registration started before. */
  iin_attempt_phone_hash: ColumnType<Buffer | null, Buffer | null | undefined, never>;
  lock_phone_hash: ColumnType<Buffer | null, Buffer | null | undefined, never>;
}

export interface OtpCodesTable {
  id: string;
  /** Exactly one of registration_id, signin_id and phone_change_id is set (the code's owner). */
  registration_id: string | null;
  signin_id: ColumnType<string | null, string | null | undefined, never>;
  phone_change_id: ColumnType<string | null, string | null | undefined, never>;
  purpose: ColumnType<'registration' | 'signin' | 'phone_change', 'registration' | 'signin' | 'phone_change' | undefined, never>;
  phone: string;
  client_ip: string;
  code_hmac: Buffer;
  status: 'active' | 'used' | 'voided' | 'exhausted';
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  resend_available_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<string>;
  at: Timestamp;
  type: string;
  actor: string;
  registration_id: string | null;
  subject: string | null;
  client_ip: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  /** The Digital ID the event is about (its activity list), when there is one. */
  profile_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface SmsMessagesTable {
  id: string;
  phone: string;
  language: string;
  purpose: string;
  /** The text with codes starred out; the exact text is only in body_encrypted (sms.body.ts). */
  body: string;
  body_encrypted: Buffer | null;
  status: 'queued' | 'sending' | 'sent' | 'delivered' | 'undeliverable' | 'failed';
  provider: string | null;
  provider_message_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  /** The row is its own send job (migration 0025): a code goes before notifications. */
  priority: Generated<number>;
  /** Attempts allowed after the first. */
  retry_limit: Generated<number>;
  retry_backoff: Generated<boolean>;
  /** Seconds before the first retry (doubled per attempt with backoff). */
  retry_delay: Generated<number>;
  /** How long one attempt may hold its claim before another worker may try again. */
  expire_seconds: Generated<number>;
  /** Queued: when it may be tried; sending: when the claim expires; null once finished. */
  next_attempt_at: NullableTimestamp;
}

export interface StaffLoginThrottlesTable {
  key: string;
  failures: number;
  last_failure_at: Timestamp;
  blocked_until: NullableTimestamp;
}

export interface RegistryPersonsTable {
  iin: string;
  last_name: string;
  first_name: string;
  middle_name: string | null;
  birth_date: ColumnType<string, string, string>;
  sex: 'M' | 'F';
  photo_encrypted: Buffer | null;
  descriptor_encrypted: Buffer | null;
  /** Pipeline version of the descriptor (see biometrics/match.rules.ts FACE_PIPELINE). */
  descriptor_version: string | null;
  updated_at: Timestamp;
}

export interface BmgBindingsTable {
  phone: string;
  iin: string;
  updated_at: Timestamp;
}

export interface DigitalProfilesTable {
  id: string;
  iin: string;
  phone: string;
  registration_id: string;
  verification_method: 'video_check' | 'moderator';
  created_at: Timestamp;
  /** Set while the citizen (or staff) has blocked this Digital ID: no sign-in, no session. */
  blocked_at: NullableTimestamp;
}

export interface SigninsTable {
  id: string;
  handle_hash: Buffer;
  phone: string;
  profile_id: string | null;
  language: string;
  client_ip: string;
  status: 'pending' | 'completed';
  created_at: Timestamp;
  expires_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface CitizenSessionsTable {
  id: string;
  token_hash: Buffer;
  profile_id: string;
  assurance: 'low' | 'substantial' | 'high';
  method: 'otp' | 'passkey' | 'registration';
  user_agent: string | null;
  client_ip: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  ended_at: NullableTimestamp;
  end_reason: string | null;
  source_registration_id: ColumnType<string | null, string | null | undefined, never>;
  /** Raised to `high` by a face step-up until then; the base assurance (`assurance`) after. */
  high_assurance_until: NullableTimestamp;
}

/** A change of the Digital ID's phone, proved by a code sent to the new number. */
export interface PhoneChangesTable {
  id: string;
  profile_id: string;
  session_id: string;
  old_phone: string;
  new_phone: string;
  language: string;
  client_ip: string;
  status: 'pending' | 'completed' | 'voided';
  created_at: Timestamp;
  expires_at: Timestamp;
  completed_at: NullableTimestamp;
}

export interface PasskeysTable {
  id: string;
  profile_id: string;
  credential_id: string;
  public_key: Buffer;
  /** bigint as string (node-postgres) */
  counter: ColumnType<string, number | string, number | string>;
  transports: ColumnType<string[], string, string>;
  aaguid: string;
  backed_up: boolean;
  name: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
}

export interface PasskeyChallengesTable {
  challenge_hash: Buffer;
  purpose: 'registration' | 'authentication';
  profile_id: string | null;
  session_id: string | null;
  client_ip: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface StaffAccountsTable {
  id: string;
  login: string;
  role: 'moderator' | 'operator' | 'admin';
  password_hash: string;
  password_change_required: Generated<boolean>;
  totp_secret_encrypted: Buffer;
  /** bigint as string (node-postgres) */
  totp_last_counter: string | null;
  failed_logins: Generated<number>;
  locked_until: NullableTimestamp;
  created_at: Timestamp;
  last_login_at: NullableTimestamp;
  disabled_at: NullableTimestamp;
}

export interface StaffSessionsTable {
  id: string;
  token_hash: Buffer;
  staff_id: string;
  client_ip: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ended_at: NullableTimestamp;
}

export interface AssistantTicketsTable {
  id: string;
  registration_id: string;
  phone: string;
  iin: string;
  language: string;
  note: Generated<string>;
  status: 'open' | 'resolved' | 'declined';
  claimed_by: string | null;
  claimed_at: NullableTimestamp;
  checklist: ColumnType<Record<string, boolean> | null, string | null | undefined, string | null>;
  resolved_by: string | null;
  resolved_at: NullableTimestamp;
  resolution_note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VideoChecksTable {
  id: string;
  /** The owner: a registration's check, or a step-up of a Digital ID (profile_id) asked by a session. */
  registration_id: string | null;
  profile_id: ColumnType<string | null, string | null | undefined, never>;
  session_id: ColumnType<string | null, string | null | undefined, never>;
  challenges: ColumnType<string[], string, string>;
  status: 'pending' | 'processing' | 'completed' | 'expired' | 'abandoned';
  outcome: string | null;
  reasons: ColumnType<string[] | null, string | null | undefined, string | null>;
  similarity: number | null;
  liveness_score: number | null;
  trace: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  client_ip: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  completed_at: NullableTimestamp;
}

/** The face a registration was decided on (migration 0014): the step-up's reference for its Digital ID. */
export interface FaceEnrolmentsTable {
  registration_id: string;
  /** Null while a moderator decides; set when the registration completes. */
  profile_id: string | null;
  video_check_id: string;
  /** AES-256-GCM, bound to the registration id. */
  template_encrypted: Buffer;
  pipeline_version: string;
  created_at: Timestamp;
}

/** Failed video checks and the lock of one subject: a person (IIN) or a phone, keyed by HMAC. */
export interface VideoCheckLocksTable {
  subject_kind: 'iin' | 'phone';
  subject_hash: Buffer;
  failed_checks: Generated<number>;
  locked_until: NullableTimestamp;
  updated_at: Timestamp;
}

export interface IinAttemptsTable {
  id: string;
  registration_id: string;
  phone_hash: Buffer;
  iin_hash: Buffer;
  client_ip: string;
  outcome: 'pending' | 'accepted' | 'not_found' | 'bmg_mismatch' | 'already_registered' | 'phone_in_use' | 'unavailable';
  created_at: Timestamp;
}

export interface ModerationCasesTable {
  id: string;
  registration_id: string;
  video_check_id: string | null;
  status: ColumnType<'open' | 'approved' | 'rejected', 'open' | 'approved' | 'rejected' | undefined, 'open' | 'approved' | 'rejected'>;
  similarity: number | null;
  liveness_score: number | null;
  reasons: ColumnType<string[], string | undefined, string>;
  evidence_encrypted: Buffer | null;
  created_at: Timestamp;
  due_at: Timestamp;
  claimed_by: string | null;
  claimed_at: NullableTimestamp;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  decision_reason: string | null;
  decision_note: string | null;
  evidence_delete_after: NullableTimestamp;
  evidence_deleted_at: NullableTimestamp;
}

type Json<T> = ColumnType<T, string, string>;

/** A service citizens sign in to with OpenID Connect (src/oidc). */
export interface OidcClientsTable {
  client_id: string;
  name: string;
  secret_encrypted: Buffer | null;
  redirect_uris: Json<string[]>;
  post_logout_redirect_uris: ColumnType<string[], string | undefined, string>;
  scopes: string;
  first_party: boolean;
  auth_method: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  jwks_uri: string | null;
  jwks: ColumnType<{ keys: Record<string, unknown>[] } | null, string | null | undefined, string | null>;
  logo_uri: string | null;
  policy_uri: string | null;
  backchannel_logout_uri: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  disabled_at: NullableTimestamp;
}

/** The provider's records (Session, Interaction, AuthorizationCode, AccessToken, RefreshToken, Grant, …). */
export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: Json<Record<string, unknown>>;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  client_id: string | null;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  consumed_at: NullableTimestamp;
}

export interface OidcSigningKeysTable {
  kid: string;
  alg: string;
  private_jwk_encrypted: Buffer;
  created_at: Timestamp;
  retired_at: NullableTimestamp;
  publish_until: NullableTimestamp;
}

export interface Database {
  registrations: RegistrationsTable;
  otp_codes: OtpCodesTable;
  audit_events: AuditEventsTable;
  sms_messages: SmsMessagesTable;
  registry_persons: RegistryPersonsTable;
  bmg_bindings: BmgBindingsTable;
  digital_profiles: DigitalProfilesTable;
  staff_accounts: StaffAccountsTable;
  staff_sessions: StaffSessionsTable;
  assistant_tickets: AssistantTicketsTable;
  video_checks: VideoChecksTable;
  video_check_locks: VideoCheckLocksTable;
  face_enrolments: FaceEnrolmentsTable;
  iin_attempts: IinAttemptsTable;
  moderation_cases: ModerationCasesTable;
  staff_login_throttles: StaffLoginThrottlesTable;
  signins: SigninsTable;
  citizen_sessions: CitizenSessionsTable;
  passkeys: PasskeysTable;
  passkey_challenges: PasskeyChallengesTable;
  oidc_clients: OidcClientsTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  phone_changes: PhoneChangesTable;
}
