// Sums the JSON reports of the CI steps into the final "N passed, N failed, N skipped" line.
import fs from 'node:fs';
import path from 'node:path';

const [dir, status] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
// One report per step (pglite.json, postgres.json, faults.json, e2e.json): each gets a line, then the sum.
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  let step = null;
  if (typeof report.numPassedTests === 'number') {
    // vitest (jest-compatible) report
    step = { passed: report.numPassedTests, failed: report.numFailedTests, skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0) };
  } else if (report.stats) {
    // Playwright JSON report
    step = { passed: (report.stats.expected ?? 0) + (report.stats.flaky ?? 0), failed: report.stats.unexpected ?? 0, skipped: report.stats.skipped ?? 0 };
  }
  if (!step) continue;
  console.log(`  ${file.replace(/\.json$/, '')}: ${step.passed} passed, ${step.failed} failed, ${step.skipped} skipped`);
  passed += step.passed;
  failed += step.failed;
  skipped += step.skipped;
}
// A step that failed without producing a report (crash, typecheck) still counts as a failure.
if (status !== '0' && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
