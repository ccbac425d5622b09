// SQL of the IIN lookups (iin_attempts): the phone and the IIN are kept as HMACs only.
import type { DbOrTx } from '../platform/db/database.js';
import { fixedSql } from '../platform/db/fixed-sql.js';
import type { IinAttemptsTable } from '../platform/db/schema.js';
import type { AuditEvent } from '../audit/audit.store.js';
import type { IinAttemptsUsed } from './iin-attempts.rules.js';

export type IinAttemptOutcome = IinAttemptsTable['outcome'];

export async function setOutcome(conn: DbOrTx, id: string, outcome: IinAttemptOutcome): Promise<void> {
  await conn.updateTable('iin_attempts').set({ outcome }).where('id', '=', id).execute();
}

/** Whether this registration's lookup of this IIN found it bound in BMG to another phone. */
export async function hadBmgMismatch(conn: DbOrTx, registrationId: string, iinHash: Buffer): Promise<boolean> {
  const row = await conn
    .selectFrom('iin_attempts')
    .select('id')
    .where('registration_id', '=', registrationId)
    .where('iin_hash', '=', iinHash)
    .where('outcome', '=', 'bmg_mismatch')
    .executeTakeFirst();
  return row !== undefined;
}

/** A move of the registration that the caller checked against the transition table. */
interface CheckedMove {
  from: string;
  to: string;
}

/** The end of a registration whose last allowed lookup failed: the move, its reason and its audit event. */
export interface EndOfRegistration {
  move: CheckedMove;
  reason: string;
  audit: Extract<AuditEvent, { type: 'iin.attempts_exceeded' }>;
}

/** A lookup to record (or refuse) before it is made: what iin_attempt_begin and iin_step take first. */
export interface AttemptStart {
  id: string;
  registrationId: string;
  phoneHash: Buffer;
  iinHash: Buffer;
  clientIp: string;
  now: Date;
  windowSeconds: number;
  limits: { perRegistration: number; perPhonePerDay: number; perIpPerDay: number };
  end: EndOfRegistration;
  limitedAudit: { type: 'iin.attempts_limited'; subject: string };
}

/** The counts iin_attempt_begin and iin_step answer with. */
interface UsedRow {
  state: string | null;
  reg_count: number;
  phone_count: number;
  phone_oldest: Date | null;
  ip_count: number;
  ip_oldest: Date | null;
  recorded: boolean;
}

function startOf(row: UsedRow): { state: string | undefined; used: IinAttemptsUsed; recorded: boolean } {
  return {
    state: row.state ?? undefined,
    used: {
      registration: row.reg_count,
      phone: { count: row.phone_count, oldest: row.phone_oldest ? new Date(row.phone_oldest) : null },
      ip: { count: row.ip_count, oldest: row.ip_oldest ? new Date(row.ip_oldest) : null },
    },
    recorded: row.recorded,
  };
}

/** The audit types iin_attempt_finish and iin_step write for an accepted lookup. */
const ACCEPTED_AUDITS = { accepted: 'iin.accepted', already: 'iin.already_registered' } as const satisfies Record<string, AuditEvent['type']>;

/**
 * A lookup about to be made, in one round trip (iin_attempt_begin, migration 0012): under the
 * registration's row lock and the phone's lock, the lookups used so far are counted and the lookup is
 * recorded — or refused: at the registration's limit it ends (`end`), at the phone's or IP's daily
 * limit the refusal is audited. `state` is the registration's as found (undefined: none); nothing
 * happens unless it is `end.move.from`.
 */
export async function beginAttempt(conn: DbOrTx, a: AttemptStart): Promise<{ state: string | undefined; used: IinAttemptsUsed; recorded: boolean }> {
  const { end } = a;
  const { rows } = await fixedSql<UsedRow>`
    select * from iin_attempt_begin(
      ${a.registrationId}, ${end.move.from}, ${a.id}, ${a.phoneHash}, ${a.iinHash}, ${a.clientIp},
      ${a.now}, ${a.windowSeconds}::int, ${a.limits.perRegistration}::int, ${a.limits.perPhonePerDay}::int, ${a.limits.perIpPerDay}::int,
      ${end.move.to}, ${end.reason}, ${end.audit.type}, ${JSON.stringify(end.audit.details)}::jsonb,
      ${a.limitedAudit.type}, ${a.limitedAudit.subject})`.execute(conn);
  return startOf(rows[0]);
}

/**
 * A lookup's outcome in one round trip (iin_attempt_finish, migration 0012), under the registration's
 * row lock (its body: migration 0028). 'accepted' moves the registration on (`accept`) with the person —
 * unless the IIN already has a digital profile ('already_registered') or another Digital ID has the
 * registration's phone ('phone_in_use', also instead of 'bmg_mismatch'): then that is recorded. A failure is audited and counted;
 * the registration's last allowed failure ends it (`end`). Returns what was recorded ('state': the
 * registration had left `accept.move.from`, nothing was written) and, after a failure, the registration's failed lookups.
 */
export async function finishAttempt(
  conn: DbOrTx,
  f: {
    id: string;
    registrationId: string;
    outcome: 'accepted' | 'not_found' | 'bmg_mismatch';
    now: Date;
    clientIp: string;
    /** The masked IIN: the subject of the lookup's audit event. */
    subject: string;
    accept: { move: CheckedMove; iin: string; maskedName: string | null };
    failedAudit: Extract<AuditEvent, { type: 'iin.not_found' | 'bmg.mismatch' }> | null;
    limitPerRegistration: number;
    end: EndOfRegistration;
  },
): Promise<{ outcome: IinAttemptOutcome | 'state'; state: string | undefined; failed: number }> {
  const { end, accept } = f;
  const { accepted, already } = ACCEPTED_AUDITS;
  const { rows } = await fixedSql<{ outcome: IinAttemptOutcome | 'state'; state: string | null; failed: number | null }>`
    select * from iin_attempt_finish(
      ${f.id}, ${f.registrationId}, ${f.outcome}, ${f.now}, ${f.clientIp}, ${f.subject},
      ${accept.iin}, ${accept.maskedName}, ${accept.move.from}, ${accept.move.to}, ${accepted}, ${already},
      ${f.failedAudit?.type ?? null}, ${JSON.stringify(f.failedAudit?.details ?? {})}::jsonb,
      ${f.limitPerRegistration}::int, ${end.move.to}, ${end.reason}, ${end.audit.type}, ${end.audit.subject ?? null}, ${JSON.stringify(end.audit.details)}::jsonb)`.execute(conn);
  const row = rows[0];
  return { outcome: row.outcome, state: row.state ?? undefined, failed: row.failed ?? 0 };
}

/**
 * The whole lookup in one round trip (iin_step, migration 0021), for a registry that answers inside
 * our database (the gateway's `checksInDatabase`): `beginAttempt`, the registry and BMG lookup,
 * `finishAttempt` with the outcome it gives, and for an accepted IIN the person's video-check lock rows.
 * `outcome` is null when no lookup was made (see `state`, `used`, `recorded` as from `beginAttempt`).
 */
export async function stepInOneCall(
  conn: DbOrTx,
  a: AttemptStart & {
    phone: string;
    iin: string;
    /** The masked IIN: the subject of the lookup's audit events. */
    subject: string;
    acceptTo: string;
    failedAudits: { notFound: Extract<AuditEvent, { type: 'iin.not_found' }>; mismatch: Extract<AuditEvent, { type: 'bmg.mismatch' }> };
    lockSubjects: ReadonlyArray<{ kind: string; hash: Buffer }>;
  },
): Promise<StepResult> {
  const { end, failedAudits } = a;
  const { accepted, already } = ACCEPTED_AUDITS;
  const { rows } = await fixedSql<StepRow>`

    select * from iin_step(
      ${a.registrationId}, ${end.move.from}, ${a.id}, ${a.phone}, ${a.phoneHash}, ${a.iin}, ${a.iinHash}, ${a.clientIp},
      ${a.now}, ${a.windowSeconds}::int, ${a.limits.perRegistration}::int, ${a.limits.perPhonePerDay}::int, ${a.limits.perIpPerDay}::int,
      ${end.move.to}, ${end.reason}, ${end.audit.type}, ${end.audit.subject ?? null}, ${JSON.stringify(end.audit.details)}::jsonb,
      ${a.limitedAudit.type}, ${a.limitedAudit.subject},
      ${a.subject}, ${a.acceptTo}, ${accepted}, ${already},
      ${failedAudits.notFound.type}, ${JSON.stringify(failedAudits.notFound.details ?? {})}::jsonb,
      ${failedAudits.mismatch.type}, ${JSON.stringify(failedAudits.mismatch.details)}::jsonb,
      ${a.lockSubjects.map((s) => s.kind)}::text[], ${a.lockSubjects.map((s) => s.hash)}::bytea[])`.execute(conn);
  return stepResult(rows[0]);
}

/** What iin_step answers. */
type StepRow = UsedRow & {
  outcome: IinAttemptOutcome | 'state' | null;
  failed: number | null;
  masked_name: string | null;
  lock_failed_checks: number[] | null;
  lock_locked_until: Array<Date | null> | null;
  lock_updated_at: Date[] | null;
};

export type StepResult = ReturnType<typeof startOf> & {
  outcome: IinAttemptOutcome | 'state' | null;
  failed: number;
  maskedName: string | null;
  locks: Array<{ failedChecks: number; lockedUntil: Date | null; updatedAt: Date }>;
};

function stepResult(row: StepRow): StepResult {
  const lockedUntil = row.lock_locked_until ?? [];
  const updatedAt = row.lock_updated_at ?? [];
  return {
    ...startOf(row),
    outcome: row.outcome,
    failed: row.failed ?? 0,
    maskedName: row.masked_name,
    locks: (row.lock_failed_checks ?? []).map((failedChecks, i) => ({
      failedChecks,
      lockedUntil: lockedUntil[i] ? new Date(lockedUntil[i]!) : null,
      updatedAt: new Date(updatedAt[i]),
    })),
  };
}

/**
 * The IIN step with its token check in one round trip (registration_iin_step, migration 0023): the
 * registration's row locked and touched as registration.store `findAndTouch` does, then — if
 * authorised, in `end.move.from` and with its phone's keys (stored at the start) — what `stepInOneCall`
 * does, with the phone, its keys and its masked forms taken from the row (since 0026 in the function's own
 * body, the row locked once and written once). Returns the row's token hash,
 * state and idle expiry as found (`registration` undefined: none) for the caller's authorisation;
 * `step` is null when no step was made (not authorised, another state, or `keysMissing`).
 */
export async function stepWithToken(
  conn: DbOrTx,
  a: {
    auth: { tokenHash: Buffer; closed: readonly string[]; neverIdle: readonly string[]; expiresAt: Date };
    id: string;
    registrationId: string;
    iin: string;
    iinHash: Buffer;
    lockIinHash: Buffer;
    clientIp: string;
    now: Date;
    windowSeconds: number;
    limits: { perRegistration: number; perPhonePerDay: number; perIpPerDay: number };
    end: { move: CheckedMove; reason: string; audit: { type: 'iin.attempts_exceeded'; details: { limit: number } } };
    limitedAuditType: 'iin.attempts_limited';
    /** The masked IIN: the subject of the lookup's audit events. */
    subject: string;
    acceptTo: string;
    failedAuditTypes: { notFound: 'iin.not_found'; mismatch: 'bmg.mismatch' };
  },
): Promise<{ registration: { token_hash: Buffer; state: string; expires_at: Date } | undefined; keysMissing: boolean; step: StepResult | null }> {
  const { auth, end } = a;
  const { accepted, already } = ACCEPTED_AUDITS;
  const { rows } = await fixedSql<StepRow & { reg_token_hash: Buffer | null; reg_state: string | null; reg_expires_at: Date | null; keys_missing: boolean | null }>`
    select * from registration_iin_step(
      ${a.registrationId}, ${auth.tokenHash}, ${[...auth.closed]}::text[], ${[...auth.neverIdle]}::text[], ${a.now}, ${auth.expiresAt},
      ${end.move.from}, ${a.id}, ${a.iin}, ${a.iinHash}, ${a.clientIp},
      ${a.windowSeconds}::int, ${a.limits.perRegistration}::int, ${a.limits.perPhonePerDay}::int, ${a.limits.perIpPerDay}::int,
      ${end.move.to}, ${end.reason}, ${end.audit.type}, ${JSON.stringify(end.audit.details)}::jsonb, ${a.limitedAuditType},
      ${a.subject}, ${a.acceptTo}, ${accepted}, ${already},
      ${a.failedAuditTypes.notFound}, ${a.failedAuditTypes.mismatch}, ${a.lockIinHash})`.execute(conn);
  const row = rows[0];
  const registration = row.reg_state === null ? undefined : { token_hash: row.reg_token_hash!, state: row.reg_state, expires_at: row.reg_expires_at! };
  return { registration, keysMissing: row.keys_missing === true, step: row.recorded === null ? null : stepResult(row) };
}
