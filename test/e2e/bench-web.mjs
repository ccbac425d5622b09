// `npm run bench:web`: the web app's budgets. Prints the JavaScript a citizen downloads before the camera
// step (gzipped; budget 150 KB), the lazy face-detection chunk, and Lighthouse's accessibility and
// performance scores for the start page (mobile, simulated throttling; budgets 95 and 90), using
// Debian's Chromium. Starts its own server on a temporary database unless BENCH_URL is given.
// Exits non-zero when a budget is exceeded.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const distDir = path.join(repoRoot, 'dist/web');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUDGET = { initialJsKb: 150, accessibility: 95, performance: 90 };

const build = spawnSync(process.execPath, [path.join(repoRoot, 'web/build-if-stale.mjs')], { stdio: 'inherit', cwd: repoRoot });
if (build.status !== 0) process.exit(1);

// --- JavaScript before the camera step: the entry script and everything it preloads or imports statically.
const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
const gzipSize = (file) => zlib.gzipSync(fs.readFileSync(path.join(distDir, file)), { level: 9 }).length;
const html = fs.readFileSync(path.join(distDir, 'index.html'), 'utf8');
const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
// Static imports of the entry chunk (Vite names them in import statements at the top of the file).
for (const file of [...initial]) {
  const code = fs.readFileSync(path.join(distDir, file), 'utf8');
  for (const m of code.matchAll(/\bimport\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) initial.add(`assets/${m[1]}`);
}
const allJs = fs.readdirSync(path.join(distDir, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
const lazy = allJs.filter((f) => !initial.has(f));
const initialGz = [...initial].reduce((sum, f) => sum + gzipSize(f), 0);
const lazyGz = lazy.reduce((sum, f) => sum + gzipSize(f), 0);
const css = fs.readdirSync(path.join(distDir, 'assets')).filter((f) => f.endsWith('.css'));
const cssGz = css.reduce((sum, f) => sum + gzipSize(`assets/${f}`), 0);
console.log(`JavaScript before the camera step: ${kb(initialGz)} KB gzipped (${[...initial].join(', ')}); budget ${BUDGET.initialJsKb} KB`);
console.log(`CSS: ${kb(cssGz)} KB gzipped`);
console.log(`Lazy chunks (not loaded by the start page; face-guide = video step): ${kb(lazyGz)} KB gzipped (${lazy.join(', ')}); face models are separate files under /models/human/`);
if (initial.size === 0 || [...initial].some((f) => /face-guide/.test(f))) {
  console.error('the face-detection chunk is loaded before the camera step');
  process.exit(1);
}
let failed = initialGz / 1024 > BUDGET.initialJsKb;

// --- Lighthouse on the start page.
if (!fs.existsSync(chromium)) {
  console.log(`Lighthouse skipped: ${chromium} is absent`);
  process.exit(failed ? 1 : 0);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let server = null;
let workDir = null;
let url = process.env.BENCH_URL;
if (!url) {
  const port = await freePort();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-bench-web-'));
  server = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/main.ts')], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: path.join(workDir, 'data'), DATABASE_URL: '', LOG_LEVEL: 'warn' },
  });
  url = `http://localhost:${port}/`;
  const deadline = Date.now() + 240_000;
  let ready = false;
  while (!ready && Date.now() < deadline && server.exitCode === null) {
    try {
      ready = (await fetch(new URL('/readyz', url))).ok;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  if (!ready) {
    console.error('the server did not start');
    server.kill('SIGKILL');
    process.exit(1);
  }
}

const { default: lighthouse } = await import('lighthouse');
const chromeLauncher = await import('chrome-launcher');
const chrome = await chromeLauncher.launch({
  chromePath: chromium,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const scores = {};
  // Three runs, median: performance under simulated throttling varies with the machine's load.
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility', 'best-practices'] });
    runs.push(result.lhr);
  }
  for (const category of ['performance', 'accessibility', 'best-practices']) {
    const values = runs.map((lhr) => Math.round(lhr.categories[category].score * 100)).sort((a, b) => a - b);
    scores[category] = values[1];
    console.log(`Lighthouse ${category}: ${values[1]} (runs: ${values.join(', ')})`);
  }
  const median = runs[1].audits;
  console.log(
    `  FCP ${median['first-contentful-paint'].displayValue}, LCP ${median['largest-contentful-paint'].displayValue}, TBT ${median['total-blocking-time'].displayValue}, CLS ${median['cumulative-layout-shift'].displayValue}`,
  );
  for (const lhr of runs.slice(0, 1)) {
    const misses = Object.values(lhr.audits).filter((a) => a.score !== null && a.score < 1 && lhr.categories.accessibility.auditRefs.some((r) => r.id === a.id));
    for (const audit of misses) console.log(`  accessibility: ${audit.id} — ${audit.title}`);
  }
  if (scores.accessibility < BUDGET.accessibility || scores.performance < BUDGET.performance) failed = true;
  console.log(`budgets: accessibility ≥ ${BUDGET.accessibility}, performance ≥ ${BUDGET.performance}, JS before camera ≤ ${BUDGET.initialJsKb} KB gz: ${failed ? 'EXCEEDED' : 'met'}`);
} finally {
  await chrome.kill();
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 2000));
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
