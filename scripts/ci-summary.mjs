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
  for (const name of failedTestNames(report)) console.log(`    failed: ${name}`);
  passed += step.passed;
  failed += step.failed;
  skipped += step.skipped;
}
/** The failed tests of a vitest (jest-style) or Playwright JSON report, with the first line of each error. */
function failedTestNames(report) {
  const names = [];
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (test.status !== 'failed') continue;
      const why = String(test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
      names.push(`${path.relative(process.cwd(), suite.name)} › ${test.fullName} — ${why}`);
    }
    if ((suite.assertionResults ?? []).length === 0 && suite.status === 'failed') names.push(`${path.relative(process.cwd(), suite.name)} — ${String(suite.message ?? '').split('\n')[0].slice(0, 300)}`);
  }
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'unexpected') continue;
        const error = test.results?.at(-1)?.error?.message ?? '';
        names.push(`${spec.file}:${spec.line} › ${[...titles, spec.title].join(' › ')} — ${String(error).split('\n')[0].slice(0, 300)}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return names;
}

// A step that failed without producing a report (crash, typecheck) still counts as a failure.
if (status !== '0' && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
