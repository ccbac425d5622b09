// npm run oidc:client -- --name "eGov services" --redirect-uri https://rp.example/cb --scopes "openid profile phone iin" [--first-party] [--jwks-uri …]
// Registers a service (OpenID Connect client) and prints {"client_id", "client_secret"} as JSON, once.
import { AppError } from '../platform/errors/app-error.js';
import { ClientService } from '../oidc/oidc-client.service.js';
import { CliExit, EXIT, parseCliArgs, runWithDatabase } from './cli-support.js';

const usage = `Usage: npm run oidc:client -- --name <name> --redirect-uri <url> [--redirect-uri <url> …] --scopes "openid profile phone iin offline_access"
       [--first-party] [--jwks-uri <url>] [--auth-method client_secret_basic|client_secret_post] [--logo-uri <url>] [--policy-uri <url>]
       [--post-logout-redirect-uri <url> …] [--backchannel-logout-uri <url>]`;

const args = parseCliArgs(
  {
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      scopes: { type: 'string' },
      'first-party': { type: 'boolean', default: false },
      'jwks-uri': { type: 'string' },
      'auth-method': { type: 'string' },
      'logo-uri': { type: 'string' },
      'policy-uri': { type: 'string' },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
    },
  },
  usage,
);
if (!args.name || !args['redirect-uri']?.length || !args.scopes) {
  console.error(`--name, --redirect-uri and --scopes are required\n${usage}`);
  process.exit(EXIT.usage);
}
const authMethod = args['auth-method'];
if (authMethod !== undefined && authMethod !== 'client_secret_basic' && authMethod !== 'client_secret_post') {
  console.error(`--auth-method must be client_secret_basic or client_secret_post (--jwks-uri makes a private_key_jwt client)\n${usage}`);
  process.exit(EXIT.usage);
}

await runWithDatabase(async ({ db, config }) => {
  try {
    const created = await new ClientService(db, config).create(
      {
        name: args.name!,
        redirectUris: args['redirect-uri']!,
        scopes: args.scopes!.split(/\s+/).filter(Boolean),
        firstParty: args['first-party'],
        jwksUri: args['jwks-uri'] ?? null,
        authMethod: args['jwks-uri'] ? 'private_key_jwt' : authMethod,
        logoUri: args['logo-uri'] ?? null,
        policyUri: args['policy-uri'] ?? null,
        postLogoutRedirectUris: args['post-logout-redirect-uri'] ?? [],
        backchannelLogoutUri: args['backchannel-logout-uri'] ?? null,
      },
      'system',
    );
    console.log(JSON.stringify({ client_id: created.clientId, client_secret: created.clientSecret }));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof AppError && err.code === 'OIDC_CLIENT_INVALID') throw new CliExit(EXIT.usage, `invalid ${err.details?.field}: ${err.details?.problem}\n${usage}`);
    throw err;
  }
});
