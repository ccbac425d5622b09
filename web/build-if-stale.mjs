// Builds the web app (vite build) when dist/web is missing or older than any source it is built from.
// Used by `npm start` (prestart) and the browser tests, so a fresh clone serves the app without a step.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webDir, '..');
const builtIndex = path.join(repoRoot, 'dist/web/index.html');
// The web imports a few pure rules from the server's source; package-lock.json covers dependency updates.
const sources = [webDir, path.join(repoRoot, 'src/iin/iin.rules.ts'), path.join(repoRoot, 'src/phone/phone.rules.ts'), path.join(repoRoot, 'package-lock.json')];

function newestMtime(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(file)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(file, entry)));
  }
  return newest;
}

const builtAt = fs.existsSync(builtIndex) ? fs.statSync(builtIndex).mtimeMs : 0;
const changedAt = Math.max(...sources.map(newestMtime));
if (builtAt >= changedAt && process.argv[2] !== '--force') {
  console.log('web app is up to date (dist/web)');
} else {
  console.log(builtAt === 0 ? 'building the web app (dist/web is missing)…' : 'building the web app (sources changed)…');
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', webDir, '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
