// The registries as tables in our own database: for development, demos and deployments where the
// state registries are replicated locally.
import type { Db, DbOrTx } from '../platform/db/database.js';
import { AppError } from '../platform/errors/app-error.js';
import type { RegistryGateway, RegistryPerson } from './registry.gateway.js';
import * as store from './registry.store.js';
import { assertBindable } from './registry.rules.js';

export class EmbeddedRegistryGateway implements RegistryGateway {
  readonly kind = 'embedded' as const;
  readonly checksInDatabase = true;

  constructor(
    private readonly db: Db,
    private readonly encryptionKey: Buffer,
  ) {}

  findPerson(iin: string): Promise<RegistryPerson | null> {
    return store.findPerson(this.db, iin);
  }

  getReferencePhoto(iin: string): Promise<Buffer | null> {
    return store.findPhoto(this.db, this.encryptionKey, iin);
  }

  getReferenceDescriptor(iin: string, version: string): Promise<Float32Array | null> {
    return store.findDescriptor(this.db, this.encryptionKey, iin, version);
  }

  keepReferenceDescriptor(iin: string, descriptor: Float32Array, version: string): Promise<boolean> {
    return store.saveDescriptor(this.db, this.encryptionKey, iin, descriptor, version);
  }

  /** The IIN a phone is bound to (not part of the gateway: the flow only asks yes/no; the reference HTTP server needs it). */
  async findPhoneOwner(phone: string): Promise<string | null> {
    return (await store.findBinding(this.db, phone))?.iin ?? null;
  }

  async isPhoneBoundToIin(phone: string, iin: string): Promise<boolean> {
    const binding = await store.findBinding(this.db, phone);
    return binding?.iin === iin;
  }

  checkPerson(iin: string, phone: string): Promise<{ person: RegistryPerson; boundToPhone: boolean } | null> {
    return store.findPersonAndBinding(this.db, iin, phone);
  }

  async bindPhone(phone: string, iin: string, conn?: DbOrTx): Promise<void> {
    assertBindable(phone, iin);
    const bind = async (tx: DbOrTx) => {
      if (!(await store.findPerson(tx, iin))) throw new AppError('PERSON_NOT_FOUND');
      await store.upsertBindings(tx, [{ phone, iin }]);
    };
    await (conn ? bind(conn) : this.db.transaction().execute(bind));
  }
}
