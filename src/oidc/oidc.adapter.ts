// oidc-provider's storage interface over our database: every model's records in oidc_payloads, except
// clients, which are read from oidc_clients (registered by the CLI, edited in the staff console).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../platform/db/database.js';
import * as payloads from './oidc-payload.store.js';
import type { ClientRegistry } from './oidc-client.service.js';

export type AdapterClass = new (model: string) => Adapter;

export function databaseAdapter(db: Db, clients: ClientRegistry): AdapterClass {
  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered with npm run oidc:client, not by the provider');
      const now = new Date();
      const isGrant = this.model === 'Grant';
      await payloads.upsertPayload(db, {
        model: this.model,
        id,
        payload: payload as Record<string, unknown>,
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        accountId: isGrant ? (payload.accountId ?? null) : null,
        clientId: isGrant ? (payload.clientId ?? null) : null,
        expiresAt: typeof expiresIn === 'number' && expiresIn > 0 ? new Date(now.getTime() + expiresIn * 1000) : null,
        now,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await clients.providerMetadata(id)) ?? undefined;
      return payloads.findPayload(db, this.model, { column: 'id', value: id }, new Date()) as Promise<AdapterPayload | undefined>;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return payloads.findPayload(db, this.model, { column: 'uid', value: uid }, new Date()) as Promise<AdapterPayload | undefined>;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return payloads.findPayload(db, this.model, { column: 'user_code', value: userCode }, new Date()) as Promise<AdapterPayload | undefined>;
    }

    async consume(id: string): Promise<void> {
      await payloads.consumePayload(db, this.model, id, new Date());
    }

    async destroy(id: string): Promise<void> {
      await payloads.destroyPayload(db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await payloads.destroyModelByGrant(db, this.model, grantId);
    }
  };
}
