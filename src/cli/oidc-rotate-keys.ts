// npm run oidc:rotate-keys
// A new signing key signs from now on; the previous one stays in the JWKS for OIDC_KEY_RETENTION_SECONDS
// (so tokens it signed still verify). Running servers pick the change up within OIDC_KEY_REFRESH_SECONDS.
import { rotateSigningKey } from '../oidc/oidc.keys.js';
import { EXIT, parseCliArgs, runWithDatabase } from './cli-support.js';

parseCliArgs({ options: {} }, 'Usage: npm run oidc:rotate-keys');

await runWithDatabase(async ({ db, config }) => {
  const { kid, retired } = await rotateSigningKey(db, config);
  console.log(JSON.stringify({ kid, retired, publishedForSeconds: config.oidc.keyRetentionSeconds }));
  return EXIT.ok;
});
