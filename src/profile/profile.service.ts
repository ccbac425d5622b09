// The digital profile: what the state knows about the citizen (from the population registry, by the
// Digital ID's IIN), how the Digital ID was made, and the citizen's own activity from the audit log.
import type { AppContext } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskIin, maskPhone } from '../platform/masking.js';
import { ACTIVITY_TYPES, assuranceMeets, type ActivityType, type Assurance } from '../session/session.rules.js';
import { maskIp } from '../platform/masking.js';
import type { CitizenPrincipal } from '../session/session.service.js';
import * as store from '../session/session.store.js';

export interface Profile {
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: string;
  sex: 'M' | 'F';
  iinMasked: string;
  /** The full IIN: only while the session is at `high` (a face step-up within 15 minutes). */
  iin?: string;
  phoneMasked: string;
  registeredAt: string;
  registeredBy: 'video_check' | 'moderator';
  assurance: Assurance;
  /** Until when the session is at `high`; null when it is not. */
  assuranceUntil: string | null;
}

export interface ActivityEntry {
  id: string;
  type: ActivityType;
  at: string;
  ipMasked: string | null;
  /** For sign-ins: the method (otp, passkey); for failed ones: the reason code. */
  method: string | null;
}

const ACTIVITY_LIMIT = 50;

export class ProfileService {
  constructor(private readonly ctx: AppContext) {}

  async profile(principal: CitizenPrincipal): Promise<Profile> {
    const profile = await store.findProfile(this.ctx.db, principal.profileId);
    if (!profile) throw new AppError('SESSION_REQUIRED');
    const person = await this.ctx.registry.findPerson(profile.iin);
    if (!person) throw new AppError('DIGITAL_ID_NOT_FOUND');
    return {
      lastName: person.lastName,
      firstName: person.firstName,
      middleName: person.middleName,
      birthDate: person.birthDate,
      sex: person.sex,
      iinMasked: maskIin(profile.iin),
      ...(assuranceMeets(principal.assurance, 'high') ? { iin: profile.iin } : {}),
      phoneMasked: maskPhone(profile.phone),
      registeredAt: new Date(profile.created_at).toISOString(),
      registeredBy: profile.verification_method,
      assurance: principal.assurance,
      assuranceUntil: principal.highAssuranceUntil?.toISOString() ?? null,
    };
  }

  async activity(principal: CitizenPrincipal): Promise<ActivityEntry[]> {
    const profile = await store.findProfile(this.ctx.db, principal.profileId);
    if (!profile) throw new AppError('SESSION_REQUIRED');
    const rows = await store.listActivity(this.ctx.db, { id: profile.id, registrationId: profile.registration_id }, ACTIVITY_TYPES, ACTIVITY_LIMIT);
    return rows.map((row) => {
      const details = row.details ?? {};
      const method = typeof details.method === 'string' ? details.method : typeof details.reason === 'string' ? details.reason : null;
      return { id: String(row.id), type: row.type as ActivityType, at: new Date(row.at).toISOString(), ipMasked: maskIp(row.client_ip), method };
    });
  }
}
