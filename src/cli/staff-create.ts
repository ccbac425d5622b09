// npm run staff:create -- --login aigerim.s --role moderator
// Creates a staff account and prints, once, its one-time password and TOTP enrolment URI.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/database.js';
import { DirectoryLockedError } from '../platform/db/lock-file.js';
import { migrateToLatest } from '../platform/db/migrate.js';
import { AppError } from '../platform/errors/app-error.js';
import { StaffService } from '../staff/staff.service.js';
import { isStaffRole, isValidLogin, STAFF_ROLES } from '../staff/staff.rules.js';

const usage = `Usage: npm run staff:create -- --login <login> --role <${STAFF_ROLES.join('|')}> [--json]`;

let args;
try {
  args = parseArgs({ options: { login: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean', default: false } } }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
const { login, role, json } = args;
if (!login || !isValidLogin(login)) {
  console.error(`--login is required: 2-64 characters, lower-case letters, digits, . _ - (starting with a letter)\n${usage}`);
  process.exit(2);
}
if (!isStaffRole(role)) {
  console.error(`--role must be one of ${STAFF_ROLES.join(', ')}\n${usage}`);
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}
let database;
try {
  database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
} catch (err) {
  if (!(err instanceof DirectoryLockedError)) throw err;
  console.error(`${err.message}\n(The embedded database can be opened by one process at a time: stop the server, create the account, start it again.)`);
  process.exit(3);
}
try {
  await migrateToLatest(database.db);
  const account = await new StaffService(database.db, config).createAccount(login, role);
  if (json) {
    console.log(JSON.stringify({ id: account.id, login: account.login, role: account.role, oneTimePassword: account.oneTimePassword, totpUri: account.totpUri }));
  } else {
    console.log(`Staff account created: ${account.login} (${account.role})`);
    console.log(`One-time password (shown only now; it must be replaced at the first sign-in):\n  ${account.oneTimePassword}`);
    console.log(`TOTP enrolment URI (open as a QR code or paste into the authenticator app):\n  ${account.totpUri}`);
  }
} catch (err) {
  if (err instanceof AppError && err.code === 'STAFF_LOGIN_TAKEN') {
    console.error(`A staff account with the login "${login}" already exists.`);
    process.exitCode = 1;
  } else {
    console.error(`Could not create the account: ${(err as Error).message}`);
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
