// Vite root is web/; the build goes to dist/web, which the Fastify server serves (src/web/web.routes.ts).
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(webRoot, '../dist/web');
const apiServer = process.env.DEV_API_URL ?? 'http://127.0.0.1:3000';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

/** Writes .br and .gz beside every text asset; the server sends them when the browser accepts them. */
function precompress(): Plugin {
  return {
    name: 'digital-id-precompress',
    apply: 'build',
    async writeBundle() {
      const files = (await fs.readdir(outDir, { recursive: true })).map((f) => path.join(outDir, f));
      for (const file of files) {
        if (!/\.(?:js|css|svg|json|webmanifest)$/.test(file)) continue;
        const data = await fs.readFile(file);
        if (data.length < 1024) continue;
        await fs.writeFile(`${file}.gz`, await gzip(data, { level: 9 }));
        await fs.writeFile(`${file}.br`, await brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: data.length > 512 * 1024 ? 9 : 11 } }));
      }
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Human (face guidance) is a lazy chunk of ~2 MB; everything before the camera step stays small.
    chunkSizeWarningLimit: 2500,
    // The precompress step is knowingly slow (brotli); no timing report for it on every build.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    proxy: {
      '/api': apiServer,
      '/models': apiServer,
    },
  },
});
