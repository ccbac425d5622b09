// Started by run.mjs, which provides the server (E2E_BASE_URL) and the fake-camera videos. Each project
// is one browser launch, because the fake camera and the permission answer are launch flags.
import { defineConfig, devices } from '@playwright/test';

const chromium = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
// PITFALLS.md: Debian's Chromium under Playwright, without network side traffic.
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
];

function camera(y4m: string | undefined, permission: 'allow' | 'deny' = 'allow') {
  return {
    executablePath: chromium,
    args: [...BASE_ARGS, ...(y4m ? [`--use-file-for-fake-video-capture=${y4m}`] : []), permission === 'deny' ? '--use-fake-ui-for-media-stream=deny' : '--use-fake-ui-for-media-stream'],
  };
}

// A mid-range phone held upright; tests also photograph each step at desktop size.
const phone = { ...devices['Pixel 7'], deviceScaleFactor: 1, defaultBrowserType: 'chromium' as const };

export default defineConfig({
  testDir: '.',
  // run.mjs gives each run its own folder: two runs at once must not delete each other's screenshots.
  outputDir: process.env.E2E_OUTPUT_DIR ?? '../../test-results/e2e/latest',
  timeout: 150_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL: process.env.E2E_BASE_URL,
    ...phone,
    trace: process.env.E2E_TRACE === '1' ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'wizard', testMatch: /wizard[\w-]*\.spec\.ts/, use: { launchOptions: camera(process.env.E2E_CAMERA_GENUINE) } },
    { name: 'camera-denied', testMatch: 'camera-denied.spec.ts', use: { launchOptions: camera(process.env.E2E_CAMERA_GENUINE, 'deny') } },
    { name: 'genuine-face', testMatch: 'happy-path.spec.ts', use: { launchOptions: camera(process.env.E2E_CAMERA_GENUINE) } },
    { name: 'digital-id-in-use', testMatch: 'digital-id-in-use.spec.ts', use: { launchOptions: camera(process.env.E2E_CAMERA_DIGITAL_ID_IN_USE) } },
    { name: 'still-replay', testMatch: 'still-replay.spec.ts', use: { launchOptions: camera(process.env.E2E_CAMERA_STILL_REPLAY) } },
    { name: 'other-person', testMatch: 'other-person.spec.ts', use: { launchOptions: camera(process.env.E2E_CAMERA_OTHER_PERSON) } },
    { name: 'staff-console', testMatch: 'staff*.spec.ts', use: { launchOptions: camera(process.env.E2E_CAMERA_OTHER_PERSON) } },
    // Sign in with Digital ID as d3, whose Digital ID digital-id-in-use (listed first, so it runs first) made, or made
    // here when run alone; not d9: the happy path ends by blocking d9 (a lost phone).
    { name: 'oidc', testMatch: /oidc[\w-]*\.spec\.ts/, use: { launchOptions: camera(process.env.E2E_CAMERA_DIGITAL_ID_IN_USE) } },
    { name: 'security-headers', testMatch: 'security-headers.spec.ts', use: { launchOptions: camera(process.env.E2E_CAMERA_GENUINE) } },
  ],
});
