import { describe, expect, it } from 'vitest';
import { asksRegistryClaims } from './oidc.rules.js';

describe('asksRegistryClaims: the population registry is asked only when a profile claim may be released', () => {
  it.each([
    ['userinfo', 'openid profile', undefined, true],
    ['userinfo', 'openid phone iin', undefined, false],
    ['userinfo', 'openid', { family_name: null }, true],
    ['userinfo', undefined, undefined, false],
    // ID tokens carry only the claims parameter's claims (the scope's go to userinfo)
    ['id_token', 'openid profile offline_access', {}, false],
    ['id_token', 'openid profile', { birthdate: { essential: true } }, true],
    ['id_token', 'openid phone', { phone_number: null }, false],
  ] as const)('%s, scope %s, claims %j → %s', (use, scope, requested, expected) => {
    expect(asksRegistryClaims(use, scope, requested as Record<string, unknown> | undefined)).toBe(expected);
  });
});
