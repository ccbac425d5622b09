// The fault tests' shared table: each test records one row per fault; the global teardown
// (fault-table.setup.ts) prints them together after the run.
import fs from 'node:fs';
import { inject } from 'vitest';

export interface FaultRow {
  fault: string;
  sent: number;
  answered: number;
  lost: number;
  duplicates: number;
  /** ms from the fault's end to the service working again; null when not applicable. */
  recoveryMs: number | null;
  notes: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    faultTableFile: string;
  }
}

export function recordFault(row: FaultRow): void {
  fs.appendFileSync(inject('faultTableFile'), `${JSON.stringify(row)}\n`);
}

export function formatFaultTable(rows: FaultRow[]): string {
  const lines = ['| fault | requests sent | answered | lost | duplicates | recovery time | notes |', '|---|---:|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const recovery = r.recoveryMs === null ? '–' : `${(r.recoveryMs / 1000).toFixed(1)} s`;
    lines.push(`| ${r.fault} | ${r.sent} | ${r.answered} | ${r.lost} | ${r.duplicates} | ${recovery} | ${r.notes} |`);
  }
  return lines.join('\n');
}
