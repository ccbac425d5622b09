// node-postgres over PGlite through the in-process socket (pglite-socket.ts): statements answer as over
// a network, the event loop turns between them, and a new connection finds PGlite's one session clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PgliteSocket } from './pglite-socket.js';

let pglite: PGlite;

beforeAll(async () => {
  pglite = await PGlite.create({ dataDir: 'memory://' });
  await pglite.exec('create table probe (id int primary key, label text not null)');
  await pglite.exec("insert into probe values (1, 'one'), (2, 'two')");
}, 120_000);

afterAll(async () => {
  await pglite.close();
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ user: 'postgres', database: 'postgres', stream: () => new PgliteSocket(pglite) });
  await client.connect();
  return client;
}

describe('PGlite through the in-process socket', () => {
  it('answers named, unnamed and simple statements, and reports a failed one without losing the connection', async () => {
    const client = await connect();
    try {
      expect((await client.query({ name: 'by-id', text: 'select label from probe where id = $1', values: [2] })).rows).toEqual([{ label: 'two' }]);
      expect((await client.query({ name: 'by-id', text: 'select label from probe where id = $1', values: [1] })).rows).toEqual([{ label: 'one' }]);
      expect((await client.query('select count(*)::int as n from probe where id > $1', [0])).rows).toEqual([{ n: 2 }]);
      await expect(client.query('insert into probe values ($1, $2)', [1, 'again'])).rejects.toMatchObject({ code: '23505' });
      expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('answers in one piece what PGlite hands over in several (an answer larger than its output buffer)', async () => {
    const client = await connect();
    try {
      const { rows } = await client.query("select g as n, repeat('x', 1000) as pad from generate_series(1, $1::int) g", [300]);
      expect(rows).toHaveLength(300);
      expect(rows[299]).toEqual({ n: 300, pad: 'x'.repeat(1000) });
      expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await client.end();
    }
  });

  it("leaves PGlite's own query answering beside the socket", async () => {
    const client = await connect();
    try {
      expect((await client.query('select label from probe where id = $1', [1])).rows).toEqual([{ label: 'one' }]);
      expect((await pglite.query<{ label: string }>('select label from probe where id = 2')).rows).toEqual([{ label: 'two' }]);
      expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('lets the event loop turn between statements queued at once', async () => {
    const client = await connect();
    try {
      let turned = false;
      const seen: Array<{ i: number; turned: boolean }> = [];
      // Queued together, as requests waiting for the one connection are. Once the first is answered, a
      // turn of the event loop is asked for: it comes before the rest are answered, not after the queue.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.query('select $1::int as i', [i]).then((r) => {
            if (seen.length === 0) setImmediate(() => (turned = true));
            seen.push({ i: r.rows[0].i, turned });
          }),
        ),
      );
      expect(seen.map((s) => s.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(seen[seen.length - 1].turned).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('gives a new connection a clean session: no transaction, statement name or setting left by the last one', async () => {
    const first = await connect();
    await first.query({ name: 'kept', text: 'select label from probe where id = $1', values: [1] });
    await first.query('begin');
    await first.query("insert into probe values (3, 'uncommitted')");
    await first.query("set application_name = 'left-behind'");
    await first.end();

    const second = await connect();
    try {
      // The same name prepared again (as a new pool client does) instead of "already exists".
      expect((await second.query({ name: 'kept', text: 'select label from probe where id = $1', values: [2] })).rows).toEqual([{ label: 'two' }]);
      expect((await second.query('select count(*)::int as n from probe')).rows).toEqual([{ n: 2 }]);
      expect((await second.query('show application_name')).rows[0].application_name).not.toBe('left-behind');
    } finally {
      await second.end();
    }
  });
});
