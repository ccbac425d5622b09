// Records one provider request already read, so it reads each once: finding a token also brings its
// grant, the provider session it may be bound to and the Digital ID it was issued for (one statement),
// which oidc-provider then asks for one by one (Grant.find, Session.findByUid, findAccount). They live
// for one HTTP request only (AsyncLocalStorage, entered where Fastify hands the request to the provider);
// a write of a model within the request forgets that model's records, so a later read goes to the database.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface DigitalIdRow {
  id: string;
  iin: string;
  phone: string;
  blocked_at: Date | null;
}

type Payload = Record<string, unknown>;

class RequestRecords {
  /** By model and id or uid → the payload, or null when the database had none. */
  readonly payloads = new Map<string, Payload | null>();
  readonly digitalIds = new Map<string, DigitalIdRow | null>();
}

const storage = new AsyncLocalStorage<RequestRecords>();

/** Runs one provider request with its own records. */
export function withRequestRecords<T>(run: () => T): T {
  return storage.run(new RequestRecords(), run);
}

const idKey = (model: string, id: string) => `${model}\0id\0${id}`;
const uidKey = (model: string, uid: string) => `${model}\0uid\0${uid}`;

type Lookup = { id: string } | { uid: string };
const keyOf = (model: string, lookup: Lookup) => ('id' in lookup ? idKey(model, lookup.id) : uidKey(model, lookup.uid));

export function rememberPayload(model: string, lookup: Lookup, payload: Payload | null): void {
  storage.getStore()?.payloads.set(keyOf(model, lookup), payload);
}

/** The payload read earlier in this request (a copy: the provider's models change what they get); undefined when not read. */
export function recalledPayload(model: string, lookup: Lookup): Payload | null | undefined {
  const found = storage.getStore()?.payloads.get(keyOf(model, lookup));
  return found ? structuredClone(found) : found;
}

/** A write of a model (upsert, consume, destroy, revoke) forgets what this request read of it. */
export function forgetModel(model: string): void {
  const records = storage.getStore();
  if (!records) return;
  for (const key of records.payloads.keys()) if (key.startsWith(`${model}\0`)) records.payloads.delete(key);
}

export function rememberDigitalId(id: string, row: DigitalIdRow | null): void {
  storage.getStore()?.digitalIds.set(id, row);
}

export function recalledDigitalId(id: string): DigitalIdRow | null | undefined {
  return storage.getStore()?.digitalIds.get(id);
}
