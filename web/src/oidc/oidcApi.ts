// The interaction API (src/oidc/interaction.routes.ts): what a waiting service asks for, and the citizen's
// sign-in and answer. Writes carry the session's CSRF header (accountApi.me() or a sign-in sets it).
import { call, type Reply } from '../api.js';
import { csrfHeaders } from '../account/accountApi.js';

export type InteractionView = Reply<'GET /api/v1/interactions/{uid}', 200>;
type Redirect = Reply<'POST /api/v1/interactions/{uid}/login', 200>;

const path = (uid: string) => `/api/v1/interactions/${encodeURIComponent(uid)}`;

export const oidcApi = {
  interaction: (uid: string) => call<InteractionView>('GET', path(uid)),
  login: (uid: string) => call<Redirect>('POST', `${path(uid)}/login`, { headers: csrfHeaders() }),
  consent: (uid: string, answer: { approve: boolean; scopes?: string[] }) => call<Redirect>('POST', `${path(uid)}/consent`, { body: answer, headers: csrfHeaders() }),
};

/** The interaction a page serves: /consent/{uid}, or /signin?interaction={uid}. */
export function interactionUid(): string | null {
  const consent = /^\/consent\/([^/]+)/.exec(location.pathname);
  if (consent) return decodeURIComponent(consent[1]);
  return new URLSearchParams(location.search).get('interaction');
}
