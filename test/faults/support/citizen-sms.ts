// The citizen's side of SMS: what the SMSC (the real Net::SMPP peer) handed to each phone.
import type { PerlSmsc } from '../../support/perl-smsc.js';
import { sleep } from './service.js';

/** Messages the SMSC accepted per phone (E.164 with +). */
export function messagesByPhone(smsc: PerlSmsc): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of smsc.messages()) {
    const phone = `+${String(m.destination).replace(/^\+/, '')}`;
    counts.set(phone, (counts.get(phone) ?? 0) + 1);
  }
  return counts;
}

/** Waits until every phone got at least one message (or the time is up); returns lost and duplicated. */
export async function settleDeliveries(smsc: PerlSmsc, phones: string[], timeoutMs: number): Promise<{ lost: string[]; duplicated: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = messagesByPhone(smsc);
    const lost = phones.filter((p) => !counts.has(p));
    if (lost.length === 0 || Date.now() > deadline) {
      // A duplicate would come from a retry: give late retries a moment to show up.
      await sleep(2_000);
      const final = messagesByPhone(smsc);
      return { lost: phones.filter((p) => !final.has(p)), duplicated: phones.filter((p) => (final.get(p) ?? 0) > 1) };
    }
    await sleep(250);
  }
}
