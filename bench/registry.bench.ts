// Prints registry numbers: CSV import throughput (validate + one transaction) and lookup rates of the
// embedded and http gateways. Fresh PGlite in a temp folder, or DATABASE_URL (a scratch database).
// npx tsx bench/registry.bench.ts [rows=5000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeIin } from '../src/iin/iin.rules.js';
import { randomKey } from '../src/platform/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { createPostgresDatabase } from '../test/support/test-database.js';
import { makeJpeg } from '../test/support/jpeg.js';
import { EmbeddedRegistryGateway } from '../src/registry/embedded-registry.gateway.js';
import { HttpRegistryGateway } from '../src/registry/http-registry.gateway.js';
import { startRegistryHttpServer } from '../src/registry/http-registry-server.js';
import { RegistryImportService } from '../src/registry/registry-import.service.js';
import type { RegistryGateway } from '../src/registry/registry.gateway.js';

const rows = Number(process.argv[2] ?? 5000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-bench-'));
const pgDb = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : null;
const database = await openDatabase({ databaseUrl: pgDb?.url ?? null, dataDir: dir });
await migrateToLatest(database.db);
const key = randomKey();

const citizens: Array<{ iin: string; phone: string }> = [];
const lines = ['iin,phone,last_name,first_name,middle_name,birth_date,sex,photo'];
fs.writeFileSync(path.join(dir, 'face.jpg'), await makeJpeg());
for (let i = 0; i < rows; i++) {
  const day = new Date(Date.UTC(1950, 0, 1) + (i % 20000) * 86_400_000).toISOString().slice(0, 10);
  const sex = i % 2 ? 'F' : 'M';
  const iin = makeIin(day, sex, 1 + Math.floor(i / 20000) * 10);
  const phone = `+7701${String(1_000_000 + i).padStart(7, '0')}`;
  citizens.push({ iin, phone });
  lines.push(`${iin},${phone},Серікбаев,Асқар,Нұрланұлы,${day},${sex},${i % 10 === 0 ? 'face.jpg' : ''}`);
}
const file = path.join(dir, 'citizens.csv');
fs.writeFileSync(file, lines.join('\n'));

const service = new RegistryImportService(database.db, key);
let t = performance.now();
const first = await service.importFile(file);
const importMs = performance.now() - t;
if (!first.ok) throw new Error(JSON.stringify(first.problems.slice(0, 5)));
t = performance.now();
await service.importFile(file);
const reimportMs = performance.now() - t;

async function rate(name: string, gateway: RegistryGateway, n = 1000): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const c = citizens[(i * 7919) % citizens.length];
    await gateway.findPerson(c.iin);
    await gateway.isPhoneBoundToIin(c.phone, c.iin);
  }
  const ms = performance.now() - start;
  console.log(`${name}: ${((2 * n) / (ms / 1000)).toFixed(0)} lookups/s sequential (findPerson + isPhoneBoundToIin, ${n} each)`);
}

console.log(`database: ${database.kind}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`import of ${rows} rows (${Math.ceil(rows / 10)} photos): ${importMs.toFixed(0)} ms = ${(rows / (importMs / 1000)).toFixed(0)} rows/s`);
console.log(`re-import (all updates): ${reimportMs.toFixed(0)} ms = ${(rows / (reimportMs / 1000)).toFixed(0)} rows/s`);
const embedded = new EmbeddedRegistryGateway(database.db, key);
await rate('embedded', embedded);
const server = await startRegistryHttpServer(embedded);
await rate('http (reference server on loopback)', new HttpRegistryGateway({ baseUrl: server.url, timeoutMs: 5000 }));
await server.close();
await database.close();
await pgDb?.drop();
fs.rmSync(dir, { recursive: true, force: true });
