// oidc-provider's storage interface over our database: every model's records in oidc_payloads, except
// clients, which are read from oidc_clients (registered by the CLI, edited in the staff console).
// Finding a code or token also reads what the provider asks for next (its grant, session and Digital ID),
// kept for the rest of the request; a token request's writes go as one statement (oidc-request-records.ts).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../platform/db/database.js';
import * as payloads from './oidc-payload.store.js';
import type { ClientRegistry } from './oidc-client.service.js';
import { forgetModel, holdWrite, recalledPayload, rememberDigitalId, rememberPayload, takePendingWrites } from './oidc-request-records.js';

export type AdapterClass = new (model: string) => Adapter;

/** Models whose find is followed by Grant.find, findAccount and (session-bound ones) Session.findByUid. */
const TOKEN_MODELS = new Set(['AuthorizationCode', 'AccessToken', 'RefreshToken']);

/** Writes what this request held back; every read and delete calls it first, and the provider before answering. */
export async function flushHeldWrites(db: Db): Promise<void> {
  const pending = takePendingWrites();
  if (pending) await payloads.writePayloads(db, pending.rows, pending.consumed, new Date());
}

export function databaseAdapter(db: Db, clients: ClientRegistry): AdapterClass {
  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered with npm run oidc:client, not by the provider');
      forgetModel(this.model);
      const now = new Date();
      const isGrant = this.model === 'Grant';
      const row: payloads.PayloadRow = {
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
      };
      if (holdWrite({ row })) return;
      await flushHeldWrites(db);
      await payloads.upsertPayload(db, row);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await clients.providerMetadata(id)) ?? undefined;
      const recalled = recalledPayload(this.model, { id });
      if (recalled !== undefined) return (recalled ?? undefined) as AdapterPayload | undefined;
      await flushHeldWrites(db);
      if (!TOKEN_MODELS.has(this.model)) return payloads.findPayload(db, this.model, { column: 'id', value: id }, new Date()) as Promise<AdapterPayload | undefined>;
      const found = await payloads.findTokenInContext(db, this.model, id, new Date());
      const { token } = found;
      if (typeof token?.grantId === 'string') rememberPayload('Grant', { id: token.grantId }, found.grant);
      if (typeof token?.sessionUid === 'string') rememberPayload('Session', { uid: token.sessionUid }, found.session);
      if (typeof token?.accountId === 'string') rememberDigitalId(token.accountId, found.digitalId);
      return token as AdapterPayload | undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const recalled = recalledPayload(this.model, { uid });
      if (recalled !== undefined) return (recalled ?? undefined) as AdapterPayload | undefined;
      await flushHeldWrites(db);
      return payloads.findPayload(db, this.model, { column: 'uid', value: uid }, new Date()) as Promise<AdapterPayload | undefined>;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      await flushHeldWrites(db);
      return payloads.findPayload(db, this.model, { column: 'user_code', value: userCode }, new Date()) as Promise<AdapterPayload | undefined>;
    }

    async consume(id: string): Promise<void> {
      forgetModel(this.model);
      if (holdWrite({ consume: { model: this.model, id } })) return;
      await flushHeldWrites(db);
      await payloads.consumePayload(db, this.model, id, new Date());
    }

    async destroy(id: string): Promise<void> {
      forgetModel(this.model);
      await flushHeldWrites(db);
      await payloads.destroyPayload(db, this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      forgetModel(this.model);
      await flushHeldWrites(db);
      await payloads.destroyModelByGrant(db, this.model, grantId);
    }
  };
}
