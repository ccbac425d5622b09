// The limits of the IIN step: each registry lookup is recorded before it is made (under the
// registration's row lock and the phone's advisory lock, so concurrent requests cannot exceed them),
// and its outcome afterwards. The last failed lookup a registration is allowed ends it.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import type { DbOrTx, Tx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import { hmacSha256 } from '../platform/crypto.js';
import { maskPhone } from '../platform/masking.js';
import { appendAudit, type AuditEvent } from '../audit/audit.store.js';
import { IIN_ATTEMPT_WINDOW_SECONDS, iinAttemptsLeft, refuseIinAttempt } from './iin-attempts.rules.js';
import { RegistrationState } from './registration.rules.js';
import * as store from './iin-attempts.store.js';
import * as registrations from './registration.store.js';
import type { RegistrationRow } from './registration.store.js';

export const IIN_ATTEMPTS_EXCEEDED = 'IIN_ATTEMPTS_EXCEEDED';

export interface IinAttempt {
  id: string;
  registrationId: string;
}

type FailedOutcome = Extract<store.IinAttemptOutcome, 'not_found' | 'bmg_mismatch' | 'already_registered'>;

export class IinAttempts {
  constructor(private readonly ctx: AppContext) {}

  private get limits() {
    return this.ctx.config.registration.iinAttempts;
  }

  private phoneHash(phone: string): Buffer {
    return hmacSha256(this.ctx.config.secretKey, 'iin-attempt-phone', phone);
  }

  iinHash(iin: string): Buffer {
    return hmacSha256(this.ctx.config.secretKey, 'iin-attempt-iin', iin);
  }

  /** Records a lookup about to be made, or refuses it (429); at the registration's limit it ends the registration. */
  async begin(registration: RegistrationRow, iin: string, clientIp: string): Promise<IinAttempt> {
    const now = new Date();
    const id = randomUUID();
    const phoneHash = this.phoneHash(registration.phone);
    const refusal = await this.ctx.db.transaction().execute(async (trx) => {
      const current = await registrations.findRegistration(trx, registration.id, { forUpdate: true });
      if (!current) throw new AppError('REGISTRATION_NOT_FOUND');
      if (current.state !== RegistrationState.AWAITING_IIN) throw new AppError('INVALID_STATE', { state: current.state, expected: RegistrationState.AWAITING_IIN });
      await store.lockPhone(trx, phoneHash);
      const since = new Date(now.getTime() - IIN_ATTEMPT_WINDOW_SECONDS * 1000);
      const used = await store.countAttempts(trx, { registrationId: current.id, phoneHash, clientIp, since });
      const refused = refuseIinAttempt(used, this.limits, now);
      if (refused?.code === 'IIN_ATTEMPTS_EXCEEDED') await this.end(trx, current, clientIp, now);
      else if (refused) {
        await appendAudit(trx, { type: 'iin.attempts_limited', actor: 'citizen', registrationId: current.id, subject: maskPhone(current.phone), clientIp, details: { retryAfter: refused.retryAfter } });
      } else {
        await store.insertAttempt(trx, { id, registrationId: current.id, phoneHash, iinHash: this.iinHash(iin), clientIp, now });
      }
      return refused;
    });
    if (refusal?.code === 'IIN_ATTEMPT_LIMIT') throw new AppError(refusal.code, { retryAfter: refusal.retryAfter }, { 'retry-after': String(refusal.retryAfter) });
    if (refusal) throw new AppError(IIN_ATTEMPTS_EXCEEDED);
    return { id, registrationId: registration.id };
  }

  /** A lookup that led nowhere, with its audit event; returns the attempts left (0: the registration has ended). */
  async fail(attempt: IinAttempt, outcome: FailedOutcome, audit: AuditEvent): Promise<number> {
    const now = new Date();
    return this.ctx.db.transaction().execute(async (trx) => {
      const current = await registrations.findRegistration(trx, attempt.registrationId, { forUpdate: true });
      await store.setOutcome(trx, attempt.id, outcome);
      await appendAudit(trx, audit);
      const left = iinAttemptsLeft(await store.countFailed(trx, attempt.registrationId), this.limits);
      // Under the row lock: a concurrent lookup that already ended the registration leaves nothing to end.
      if (left === 0 && current?.state === RegistrationState.AWAITING_IIN) await this.end(trx, current, audit.clientIp ?? null, now);
      return left;
    });
  }

  /** The registry did not answer: not the citizen's attempt. */
  async unavailable(attempt: IinAttempt): Promise<void> {
    await store.setOutcome(this.ctx.db, attempt.id, 'unavailable');
  }

  async accepted(trx: Tx, attempt: IinAttempt): Promise<void> {
    await store.setOutcome(trx, attempt.id, 'accepted');
  }

  /** Whether the registration looked this IIN up and BMG bound the phone elsewhere: the only IIN a ticket may name. */
  hadBmgMismatch(conn: DbOrTx, registrationId: string, iin: string): Promise<boolean> {
    return store.hadBmgMismatch(conn, registrationId, this.iinHash(iin));
  }

  private async end(trx: Tx, registration: RegistrationRow, clientIp: string | null, now: Date): Promise<void> {
    await registrations.transition(trx, registration.id, { from: RegistrationState.AWAITING_IIN, to: RegistrationState.REJECTED, by: 'system' }, { rejection_reason: IIN_ATTEMPTS_EXCEEDED }, now);
    await appendAudit(trx, { type: 'iin.attempts_exceeded', actor: 'citizen', registrationId: registration.id, subject: maskPhone(registration.phone), clientIp, details: { limit: this.limits.perRegistration } });
  }
}
