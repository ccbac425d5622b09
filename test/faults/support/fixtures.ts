// What several fault tests set up the same way: the service's SMPP settings, and citizens in the registry.
import type { Db } from '../../../src/platform/db/database.js';
import type { EmbeddedRegistryGateway } from '../../../src/registry/embedded-registry.gateway.js';
import { upsertPerson } from '../../../src/registry/registry.store.js';
import { randomIin } from '../../support/citizens.js';
import type { PerlSmsc } from '../../support/perl-smsc.js';

/** The service sends through the Net::SMPP peer; one IP may start any number of registrations. */
export function smppServiceEnv(smsc: PerlSmsc): Record<string, string> {
  return {
    SMS_PROVIDER: 'smpp',
    SMPP_URL: smsc.url,
    SMPP_SYSTEM_ID: 'digitalid',
    SMPP_PASSWORD: 'secret',
    OTP_SEND_LIMIT_PER_IP: '1000000',
    QUEUE_MAINTENANCE_INTERVAL_SECONDS: '2',
  };
}

/** A person in the population registry whose phone BMG binds to the IIN; returns the IIN. */
export async function seedCitizen(db: Db, key: Buffer, registry: EmbeddedRegistryGateway, phone: string, photo?: Buffer): Promise<string> {
  const iin = randomIin();
  const birthDate = `${Number(iin[6]) >= 5 ? '20' : '19'}${iin.slice(0, 2)}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`;
  const sex = Number(iin[6]) % 2 === 1 ? 'M' : 'F';
  await upsertPerson(db, key, { iin, lastName: 'Серікбаев', firstName: 'Асқар', middleName: null, birthDate, sex }, photo ? { photo } : {});
  await registry.bindPhone(phone, iin);
  return iin;
}
