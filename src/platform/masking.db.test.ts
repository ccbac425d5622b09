// mask_phone and mask_name (migrations 0019, 0021) mask inside the one-round-trip steps what
// masking.ts masks everywhere else: both must give the same text.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { useTestDatabase } from '../../test/support/use-test-database.js';
import { maskName, maskPhone } from './masking.js';

describe('masking in SQL', () => {
  const database = useTestDatabase();

  it('mask_phone masks as maskPhone', async () => {
    const phones = ['+77011234567', '+77770000001', '1234567', '12345678', ''];
    const { rows } = await sql<{ masked: string }>`select mask_phone(p) as masked from unnest(${phones}::text[]) with ordinality as t(p, i) order by i`.execute(database.db);
    expect(rows.map((r) => r.masked)).toEqual(phones.map(maskPhone));
  });

  it('mask_name masks as maskName, whatever whitespace surrounds the names', async () => {
    const names: Array<[string, string]> = [
      ['Асқар', 'Серікбаев'],
      ['Aigerim', 'Nurlanova'],
      ['  Дана ', ' Әбілова  '],
      ['Ерлан', ''],
      ['Ерлан', '   '],
      ['\u00a0Жанна\u3000', '\u2009Өмірзақова\ufeff'],
      ['\tАлия\n', '\r\u2028Іздібаева'],
      ['', 'Ұлықбек'],
    ];
    const { rows } = await sql<{ masked: string }>`
      select mask_name(f, l) as masked from unnest(${names.map((n) => n[0])}::text[], ${names.map((n) => n[1])}::text[]) with ordinality as t(f, l, i) order by i`.execute(database.db);
    expect(rows.map((r) => r.masked)).toEqual(names.map(([first, last]) => maskName(first, last)));
  });
});
