// The claims a service may receive about a citizen: from the population registry (name, birth date,
// sex) and the Digital ID (phone, IIN). oidc-provider releases only those of the granted scopes
// (SCOPE_CLAIMS); `iin` only to services allowed the `iin` scope.
import type { RegistryPerson } from '../registry/registry.gateway.js';

export interface CitizenClaims {
  family_name?: string;
  given_name?: string;
  middle_name?: string;
  birthdate?: string;
  gender?: 'male' | 'female';
  phone_number: string;
  phone_number_verified: boolean;
  iin: string;
}

/** The registry's claims only when the person was looked up (null: not asked for, or not in the registry). */
export function citizenClaims(person: RegistryPerson | null, digitalId: { iin: string; phone: string }): CitizenClaims {
  return {
    ...(person
      ? {
          family_name: person.lastName,
          given_name: person.firstName,
          ...(person.middleName ? { middle_name: person.middleName } : {}),
          birthdate: person.birthDate,
          gender: person.sex === 'F' ? 'female' : 'male',
        }
      : {}),
    // Only a phone BMG bound to the IIN and confirmed by an SMS code becomes a Digital ID's phone.
    phone_number: digitalId.phone,
    phone_number_verified: true,
    iin: digitalId.iin,
  };
}
