// The SMSC (a real Net::SMPP peer) goes away for FAULT_SMSC_DOWN_MS (30 s by default) under a steady
// load of registrations and comes back on the same address: every code queued before, during and
// after reaches its phone exactly once, from the citizen's point of view.
import { afterAll, describe, expect, it } from 'vitest';
import { perlSmscUnavailable, startPerlSmsc, type PerlSmsc } from '../support/perl-smsc.js';
import { createPostgresDatabase } from '../support/test-database.js';
import { messagesByPhone, settleDeliveries } from './support/citizen-sms.js';
import { recordFault } from './support/fault-table.js';
import { smppServiceEnv } from './support/fixtures.js';
import { call, freePort, nextPhone, sleep, startService, steadyLoad, type ServiceProcess } from './support/service.js';
import { postgresUnavailable, sharedPostgresUrl } from './support/shared-postgres.js';

const DOWN_MS = Number(process.env.FAULT_SMSC_DOWN_MS ?? 30_000);
const RATE = 5; // registrations (= codes) per second

const unavailable = perlSmscUnavailable() ?? (await postgresUnavailable());
if (unavailable) console.warn(`[faults] SMSC outage skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('fault: SMSC away and back', () => {
  let smsc: PerlSmsc | undefined;
  let service: ServiceProcess | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await service?.kill();
    await smsc?.close();
    await dropDatabase?.();
  });

  it(`delivers every code exactly once across a ${DOWN_MS / 1000} s SMSC outage`, async () => {
    const database = await createPostgresDatabase(sharedPostgresUrl());
    dropDatabase = database.drop;
    const port = await freePort();
    smsc = await startPerlSmsc('digitalid', 'secret', port);
    service = await startService({
      DATABASE_URL: database.url,
      ...smppServiceEnv(smsc),
    });
    const url = service.url;
    const load = steadyLoad(RATE, async () => {
      const phone = nextPhone();
      return { phone, ...(await call(url, 'POST', '/api/v1/registrations', { body: { phone } })) };
    });

    await sleep(3_000);
    const before = smsc;
    await before.close();
    const delivered = [messagesByPhone(before)];
    await sleep(DOWN_MS);
    smsc = await startPerlSmsc('digitalid', 'secret', port);
    const backAt = Date.now();
    await sleep(3_000);
    const answers = await load.stop();

    const created = answers.filter((a) => a.status === 201);
    const phones = created.map((a) => a.phone);
    // The first SMSC's messages count too: the citizen got those before the outage.
    const firstRun = delivered[0];
    const pending = phones.filter((p) => !firstRun.has(p));
    await settleDeliveries(smsc, pending, 120_000);
    const secondRun = messagesByPhone(smsc);
    const lost = phones.filter((p) => !firstRun.has(p) && !secondRun.has(p));
    const duplicated = phones.filter((p) => (firstRun.get(p) ?? 0) + (secondRun.get(p) ?? 0) > 1);
    const firstAfter = smsc.events.find((e) => e.event === 'message');
    const recoveryMs = firstAfter ? firstAfter.at - backAt : null;

    recordFault({
      fault: `SMSC (SMPP) away for ${DOWN_MS / 1000} s`,
      sent: answers.length,
      answered: answers.filter((a) => a.status !== 0).length,
      lost: lost.length,
      duplicates: duplicated.length,
      recoveryMs,
      notes: `${created.length} codes queued (${firstRun.size} sent before the outage); registration kept answering 201 while the SMSC was away: ${answers.filter((a) => a.status !== 201).length} other answers`,
    });

    expect(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.code}`), 'registration does not depend on the SMSC').toEqual([]);
    expect(lost, 'codes that never reached the phone').toEqual([]);
    expect(duplicated, 'codes that reached the phone twice').toEqual([]);
  });
});
