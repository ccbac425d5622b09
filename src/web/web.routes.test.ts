import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.js';
import { installErrorHandler } from '../platform/error-handler.js';
import { defaultWebPaths, webRoutes } from './web.routes.js';

const INDEX =
  '<!doctype html><html><head><meta name="support-url" content="https://default.example/" />' +
  '<meta name="support-url-kk" content="" /><meta name="support-url-ru" content="" /><meta name="support-url-en" content="" />' +
  '</head><body><div id="root"></div></body></html>';

async function appWith(distDir: string): Promise<FastifyInstance> {
  const config = loadConfig({ NODE_ENV: 'test', SUPPORT_URL: 'https://support.example.kz/help?a=1&b="2"', SUPPORT_URL_KK: 'https://support.example.kz/kk' });
  const app = Fastify();
  installErrorHandler(app, 'ru');
  app.get('/api/v1/ping', async () => ({ ok: true }));
  await app.register(webRoutes({ config }, { ...defaultWebPaths, distDir }));
  await app.ready();
  return app;
}

describe('web routes', () => {
  const distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digitalid-web-'));
  let app: FastifyInstance;
  beforeAll(async () => {
    fs.mkdirSync(path.join(distDir, 'assets'));
    fs.writeFileSync(path.join(distDir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(distDir, 'assets/index-abc123.js'), 'console.log(1);'.repeat(200));
    fs.writeFileSync(path.join(distDir, 'assets/index-abc123.js.gz'), 'gzipped');
    fs.writeFileSync(path.join(distDir, 'favicon.svg'), '<svg/>');
    app = await appWith(distDir);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(distDir, { recursive: true, force: true });
  });

  it('serves the app at / with the configured support address and no long-term caching', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('content="https://support.example.kz/help?a=1&amp;b=&quot;2&quot;"');
  });

  it('writes the support address per language: SUPPORT_URL_KK for Kazakh, SUPPORT_URL for a language without its own', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.body).toContain('<meta name="support-url-kk" content="https://support.example.kz/kk" />');
    expect(res.body).toContain('<meta name="support-url-ru" content="https://support.example.kz/help?a=1&amp;b=&quot;2&quot;" />');
    expect(res.body).toContain('<meta name="support-url-en" content="https://support.example.kz/help?a=1&amp;b=&quot;2&quot;" />');
  });

  it('answers any other page path with the app, so the wizard survives a reload on a deep link', async () => {
    const res = await app.inject({ url: '/registration/step' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="root">');
  });

  it('serves hashed assets as immutable and their precompressed form when the browser accepts it', async () => {
    const plain = await app.inject({ url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/javascript/);
    const gz = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/javascript/);
    expect(gz.body).toBe('gzipped');
  });

  it('answers a missing asset with 404, never with the HTML page', async () => {
    const res = await app.inject({ url: '/assets/missing-123.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('leaves /api paths to the API: unknown ones get the JSON 404, known ones their handler', async () => {
    const unknown = await app.inject({ url: '/api/v1/nothing-here', headers: { 'accept-language': 'en' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Not found.' } });
    expect((await app.inject({ url: '/api/v1/ping' })).json()).toEqual({ ok: true });
  });

  it('does not serve files outside the build folder', async () => {
    const outside = path.join(distDir, '..', `outside-${path.basename(distDir)}.txt`);
    fs.writeFileSync(outside, 'secret');
    try {
      const res = await app.inject({ url: `/..%2f${path.basename(outside)}` });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('secret');
      const page = await app.inject({ url: '/..%2f..%2fetc%2fpasswd' });
      expect(page.body).not.toContain('root:');
    } finally {
      fs.rmSync(outside);
    }
  });

  it("serves Human's face models and the tfjs WASM binary with the right content type", async () => {
    const model = await app.inject({ url: '/models/human/blazeface.json' });
    expect(model.statusCode).toBe(200);
    expect(model.headers['cache-control']).toBe('public, max-age=604800');
    expect(model.json()).toHaveProperty('modelTopology');
    const wasm = await app.inject({ url: '/models/tfjs-wasm/tfjs-backend-wasm-simd.wasm' });
    expect(wasm.statusCode).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect((await app.inject({ url: '/models/human/..%2F..%2Fpackage.json' })).statusCode).toBe(404);
  });

  it('answers 404 JSON for a model or WASM file that does not exist, however long its name', async () => {
    for (const url of ['/models/tfjs-wasm/x.wasm', '/models/human/missing.json', `/models/tfjs-wasm/${'9'.repeat(300)}`, '/models/elsewhere']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('NOT_FOUND');
    }
  });

  it('explains that the app is not built instead of crashing when dist/web is absent', async () => {
    const empty = await appWith(path.join(distDir, 'does-not-exist'));
    const res = await empty.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await empty.close();
  });
});
