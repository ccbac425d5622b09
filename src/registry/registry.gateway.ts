// One gateway for the two state registries the flow consults: the population registry (who the
// person is, their reference photo) and the Mobile Citizens Database, BMG (which phone belongs to
// which IIN). Implementations: embedded (tables in our database) and http (REGISTRY_URL).
import type { DbOrTx } from '../platform/db/database.js';

export interface RegistryPerson {
  iin: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'M' | 'F';
  hasPhoto: boolean;
}

export interface RegistryGateway {
  readonly kind: 'embedded' | 'http';
  /**
   * True when `checkPerson` is answered inside the app's own database, by the SQL function
   * registry_check_person (embedded registry): a step may then ask it within its own statement
   * (the IIN step's iin_step, migration 0021). False: only `checkPerson` asks (a remote registry).
   */
  readonly checksInDatabase: boolean;
  findPerson(iin: string): Promise<RegistryPerson | null>;
  /** Reference photo as JPEG bytes, or null when the registry holds none. */
  getReferencePhoto(iin: string): Promise<Buffer | null>;
  /** True when BMG binds this phone (E.164) to this IIN. */
  isPhoneBoundToIin(phone: string, iin: string): Promise<boolean>;
  /**
   * The IIN step's question in one: the person (null: the registry does not know the IIN) and whether
   * BMG binds the phone to them. The embedded registry answers it in one statement.
   */
  checkPerson(iin: string, phone: string): Promise<{ person: RegistryPerson; boundToPhone: boolean } | null>;
  /**
   * Creates or replaces the BMG binding of a phone (service-centre operators). The embedded registry
   * writes it in `conn` when given, so it commits or rolls back with the caller's transaction.
   */
  bindPhone(phone: string, iin: string, conn?: DbOrTx): Promise<void>;
  /**
   * The reference photo's face descriptor when the registry holds one computed by this pipeline
   * version (on import or by an earlier check, embedded registry); null otherwise, in which case the
   * caller computes it from the photo.
   */
  getReferenceDescriptor(iin: string, version: string): Promise<Float32Array | null>;
  /**
   * Offers a descriptor the caller computed from the reference photo, so later checks need not compute
   * it again. True when the registry keeps it (embedded: encrypted, with its version); false when it
   * cannot (http: the contract carries photos only), in which case the caller keeps it itself.
   */
  keepReferenceDescriptor(iin: string, descriptor: Float32Array, version: string): Promise<boolean>;
}
