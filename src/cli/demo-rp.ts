// npm run demo:rp — starts the demo service (src/oidc/demo-rp) on http://127.0.0.1:3001.
import { startDemoRp } from '../oidc/demo-rp/demo-rp.js';

const clientId = process.env.DEMO_CLIENT_ID;
const clientSecret = process.env.DEMO_CLIENT_SECRET;
if (!clientId || !clientSecret) {
  console.error(`DEMO_CLIENT_ID and DEMO_CLIENT_SECRET are required: register the demo first (with the server stopped on the embedded database):
  npm run oidc:client -- --name "Demo" --redirect-uri http://127.0.0.1:3001/callback --post-logout-redirect-uri http://127.0.0.1:3001/ --scopes "openid profile phone"
then: DEMO_CLIENT_ID=… DEMO_CLIENT_SECRET=… npm run demo:rp`);
  process.exit(2);
}
const port = Number(process.env.DEMO_PORT ?? 3001);
const issuer = process.env.DEMO_ISSUER ?? 'http://127.0.0.1:3000/oidc';
try {
  const rp = await startDemoRp({ issuer, clientId, clientSecret, port, scopes: process.env.DEMO_SCOPES });
  console.log(`demo service on ${rp.url} (Digital ID at ${issuer})`);
} catch (err) {
  console.error(`the demo service could not start (is Digital ID running at ${issuer}?): ${(err as Error).message}`);
  process.exit(1);
}
