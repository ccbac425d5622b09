// Vitest global setup of `npm run test:faults`: a file the tests append their rows to, printed at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { formatFaultTable, type FaultRow } from './fault-table.js';

export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-faults-'));
  const file = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(file, '');
  project.provide('faultTableFile', file);
  const started = Date.now();
  return () => {
    const rows = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FaultRow);
    console.log(`\nFault tests (${((Date.now() - started) / 1000).toFixed(0)} s):\n${rows.length ? formatFaultTable(rows) : '(no fault ran)'}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
