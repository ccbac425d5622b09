// Pure rules of the OpenID Connect provider: the scopes and the claims each reveals, the assurance
// levels as acr values and the methods as amr values, and what a service (client) may be registered with.
import { assuranceMeets, type Assurance, type SessionMethod } from '../session/session.rules.js';

/** Scopes a service may be allowed; `openid` is always granted with the others. */
export const OIDC_SCOPES = ['openid', 'profile', 'phone', 'iin', 'offline_access'] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

/** The claims each scope reveals (the provider filters what findAccount returns by these). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['family_name', 'given_name', 'middle_name', 'birthdate', 'gender'],
  phone: ['phone_number', 'phone_number_verified'],
  iin: ['iin'],
} as const;

/**
 * Whether a claims() call may release a claim from the population registry (the `profile` scope's): the
 * ones named in the claims parameter, and for userinfo those of the scopes. An ID token carries scope
 * claims only when there is no userinfo to fetch them from (oidc-provider's conformIdTokenClaims, on by
 * default: with userinfo enabled and no resource indicators an ID token's scope mask is `openid`).
 */
export function asksRegistryClaims(use: string, scope: string | undefined, requested: Record<string, unknown> | undefined): boolean {
  const profile: readonly string[] = SCOPE_CLAIMS.profile;
  if (requested && Object.keys(requested).some((claim) => profile.includes(claim))) return true;
  return use !== 'id_token' && (scope ?? '').split(' ').includes('profile');
}

export const ACR_VALUES = ['urn:did:acr:low', 'urn:did:acr:substantial', 'urn:did:acr:high'] as const;
export type AcrValue = (typeof ACR_VALUES)[number];

export function acrOf(assurance: Assurance): AcrValue {
  return `urn:did:acr:${assurance}`;
}

export function assuranceOfAcr(acr: string): Assurance | null {
  const match = /^urn:did:acr:(low|substantial|high)$/.exec(acr);
  return match ? (match[1] as Assurance) : null;
}

/**
 * The highest assurance a request asks for in acr_values (space-separated, in order of preference):
 * the citizen must reach the lowest level listed, as any of them satisfies the service.
 */
export function requiredAssurance(acrValues: string | undefined): Assurance | null {
  if (!acrValues) return null;
  const levels = acrValues.split(' ').map(assuranceOfAcr).filter((a): a is Assurance => a !== null);
  if (levels.length === 0) return null;
  return levels.reduce((lowest, level) => (assuranceMeets(lowest, level) ? level : lowest));
}

/** amr (RFC 8176 names): the SMS code, a passkey (hardware key), the face check of the step-up or registration. */
export function amrOf(method: SessionMethod, assurance: Assurance): string[] {
  const amr = [method === 'passkey' ? 'hwk' : 'otp'];
  if (method === 'registration' || assurance === 'high') amr.push('face');
  return amr;
}

export interface ClientInput {
  name: string;
  redirectUris: string[];
  scopes: string[];
  firstParty: boolean;
  jwksUri: string | null;
  logoUri: string | null;
  policyUri: string | null;
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
}

export type ClientProblem =
  | { field: 'name'; problem: 'length' }
  | { field: 'redirectUris' | 'postLogoutRedirectUris' | 'jwksUri' | 'logoUri' | 'policyUri' | 'backchannelLogoutUri'; problem: 'url' }
  | { field: 'redirectUris'; problem: 'missing' }
  | { field: 'scopes'; problem: 'unknown' | 'openid_missing' };

/** What is wrong with a client's registration, or null. */
export function clientProblem(input: ClientInput): ClientProblem | null {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) return { field: 'name', problem: 'length' };
  if (input.redirectUris.length === 0) return { field: 'redirectUris', problem: 'missing' };
  if (!input.redirectUris.every(isRedirectUri)) return { field: 'redirectUris', problem: 'url' };
  if (!input.postLogoutRedirectUris.every(isRedirectUri)) return { field: 'postLogoutRedirectUris', problem: 'url' };
  for (const field of ['jwksUri', 'logoUri', 'policyUri', 'backchannelLogoutUri'] as const) {
    const value = input[field];
    if (value !== null && !isWebUrl(value)) return { field, problem: 'url' };
  }
  if (!input.scopes.every((s) => (OIDC_SCOPES as readonly string[]).includes(s))) return { field: 'scopes', problem: 'unknown' };
  if (!input.scopes.includes('openid')) return { field: 'scopes', problem: 'openid_missing' };
  return null;
}

/** https anywhere; http only on a loopback host (a service under development). No fragment. */
export function isRedirectUri(value: string): boolean {
  return isWebUrl(value) && !value.includes('#');
}

function isWebUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
