// Test citizens: random valid IINs and phones, put into the embedded registry and BMG.
import { randomInt } from 'node:crypto';
import { makeIin } from '../../src/iin/iin.rules.js';
import { upsertPerson } from '../../src/registry/registry.store.js';
import type { TestServer } from './test-server.js';

export function randomPhone(): string {
  const prefixes = ['700', '701', '702', '705', '707', '747', '771', '775', '777', '778'];
  return `+7${prefixes[randomInt(prefixes.length)]}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
}

export function randomIin(): string {
  const year = 1950 + randomInt(0, 55);
  const month = String(randomInt(1, 13)).padStart(2, '0');
  const day = String(randomInt(1, 29)).padStart(2, '0');
  return makeIin(`${year}-${month}-${day}`, randomInt(2) ? 'M' : 'F', randomInt(1, 9000));
}

export interface TestCitizen {
  iin: string;
  phone: string;
  firstName: string;
  lastName: string;
}

/** A person in the population registry whose phone is bound to the IIN in BMG (unless bindPhone is false). */
export async function addCitizen(server: TestServer, options: { bindPhone?: boolean; phone?: string; photo?: Buffer } = {}): Promise<TestCitizen> {
  const iin = randomIin();
  const phone = options.phone ?? randomPhone();
  const birthDate = `${Number(iin.slice(6, 7)) >= 5 ? '20' : '19'}${iin.slice(0, 2)}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`;
  const sex = Number(iin[6]) % 2 === 1 ? 'M' : 'F';
  const citizen = { iin, phone, firstName: 'Асқар', lastName: 'Серікбаев' };
  await upsertPerson(
    server.ctx.db,
    server.config.encryptionKey,
    { iin, lastName: citizen.lastName, firstName: citizen.firstName, middleName: 'Нұрланұлы', birthDate, sex },
    options.photo ? { photo: options.photo } : {},
  );
  if (options.bindPhone !== false) await server.ctx.registry.bindPhone(phone, iin);
  return citizen;
}

/** Polls the dev SMS outbox until a one-time code for the phone arrives (the queue sends asynchronously). */
export async function readOtpFromOutbox(server: TestServer, phone: string, options: { after?: string } = {}): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await server.request('GET', `/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
    const messages: Array<{ id: string; body: string; purpose: string; status: string }> = res.body?.messages ?? [];
    // Newest first: only messages newer than `after` (an older code must never be taken for the new one).
    const afterIndex = options.after ? messages.findIndex((m) => m.id === options.after) : -1;
    const newest = (afterIndex >= 0 ? messages.slice(0, afterIndex) : messages).find((m) => m.purpose === 'otp' && m.status !== 'queued');
    const code = newest && /\b(\d{6})\b/.exec(newest.body)?.[1];
    if (newest && code) return code;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no code arrived in the dev outbox within 20 s');
}

export async function latestOtpMessageId(server: TestServer, phone: string): Promise<string | undefined> {
  const res = await server.request('GET', `/api/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
  return res.body?.messages?.find((m: { purpose: string }) => m.purpose === 'otp')?.id;
}

/** A registration whose phone the SMS code proved: at the IIN step. */
export async function verifiedRegistration(server: TestServer, phone = randomPhone()): Promise<{ id: string; token: string; phone: string }> {
  const previous = await latestOtpMessageId(server, phone);
  const start = await server.request('POST', '/api/v1/registrations', { body: { phone } });
  if (start.status !== 201) throw new Error(`start answered ${start.status}: ${JSON.stringify(start.body)}`);
  const { id, token } = start.body as { id: string; token: string };
  const code = await readOtpFromOutbox(server, phone, { after: previous });
  const otp = await server.request('POST', `/api/v1/registrations/${id}/otp`, { token, body: { code } });
  if (otp.status !== 200) throw new Error(`the code answered ${otp.status}: ${JSON.stringify(otp.body)}`);
  return { id, token, phone };
}
