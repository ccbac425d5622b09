// Records one provider request already read, so it reads each once: finding a token also brings its
// grant, the provider session it may be bound to and the Digital ID it was issued for (one statement),
// which oidc-provider then asks for one by one (Grant.find, Session.findByUid, findAccount). They live
// for one HTTP request only (AsyncLocalStorage, entered where Fastify hands the request to the provider);
// a write of a model within the request forgets that model's records, so a later read goes to the database.
// A token request also holds its writes back (consume the code or refresh token, save the new tokens) and
// sends them as one statement: before its next read or delete, and at the latest before the answer is
// written (flushed by a provider middleware), so nothing is answered that is not stored.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PayloadRow } from './oidc-payload.store.js';

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
  readonly pending: PendingWrites = { rows: [], consumed: [] };
  constructor(readonly writeBehind: boolean) {}
}

export interface PendingWrites {
  rows: PayloadRow[];
  consumed: Array<{ model: string; id: string }>;
}

const storage = new AsyncLocalStorage<RequestRecords>();

/** Runs one provider request with its own records; `writeBehind`: its writes go as one statement (token requests). */
export function withRequestRecords<T>(options: { writeBehind: boolean }, run: () => T): T {
  return storage.run(new RequestRecords(options.writeBehind), run);
}

/**
 * Holds a write back when this request may: false when it must be written now (no request, not a
 * token request, or the record already has a write waiting, which goes first).
 */
export function holdWrite(write: { row: PayloadRow } | { consume: { model: string; id: string } }): boolean {
  const records = storage.getStore();
  if (!records?.writeBehind) return false;
  const { model, id } = 'row' in write ? write.row : write.consume;
  const { rows, consumed } = records.pending;
  if (rows.some((r) => r.model === model && r.id === id) || consumed.some((c) => c.model === model && c.id === id)) return false;
  if ('row' in write) rows.push(write.row);
  else consumed.push(write.consume);
  return true;
}

/** The writes held back so far (emptied): the caller writes them now. */
export function takePendingWrites(): PendingWrites | null {
  const pending = storage.getStore()?.pending;
  if (!pending || (pending.rows.length === 0 && pending.consumed.length === 0)) return null;
  const taken = { rows: pending.rows.splice(0), consumed: pending.consumed.splice(0) };
  return taken;
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
