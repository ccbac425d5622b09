// The steps the web pages drive while a service waits: what the service asks for, the sign-in with the
// citizen's own session (did_session), and the consent. Each step checks that this browser started the
// interaction (oidc-provider's interaction cookie) and hands the result back to the provider.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction } from 'oidc-provider';
import type { AppContext } from '../app-context.js';
import { AppError } from '../platform/errors/app-error.js';
import { appendAudit } from '../audit/audit.store.js';
import type { CitizenPrincipal } from '../session/session.service.js';
import type { OidcModule } from './oidc.module.js';
import { assuranceMeets } from '../session/session.rules.js';
import { acrOf, amrOf, requiredAssurance, SCOPE_CLAIMS } from './oidc.rules.js';
import * as accounts from './oidc-account.store.js';

export interface InteractionView {
  uid: string;
  client: { clientId: string; name: string; logoUri: string | null; policyUri: string | null };
  /** The scopes asked for that the service may have, `openid` first. */
  scopes: string[];
  /** The scopes the citizen may leave out (every one but `openid`). */
  optionalScopes: string[];
  /** The claims those scopes would reveal. */
  claims: string[];
  prompt: { name: 'login' | 'consent'; reasons: string[] };
  /** The acr the service asked for in acr_values, when above what an SMS code gives. */
  acrRequired: string | null;
}

type RawPair = { req: IncomingMessage; res: ServerResponse };

export class InteractionService {
  constructor(
    private readonly ctx: AppContext,
    private readonly oidc: OidcModule,
  ) {}

  async details(raw: RawPair, uid: string): Promise<InteractionView> {
    const interaction = await this.find(raw, uid);
    const client = await this.oidc.clients.get(interaction.params.client_id).catch(() => null);
    if (!client || client.disabled) throw new AppError('INTERACTION_NOT_FOUND');
    const scopes = requestedScopes(interaction, client.scopes);
    const needed = requiredAssurance(interaction.params.acr_values);
    return {
      uid: interaction.uid,
      client: { clientId: client.clientId, name: client.name, logoUri: client.logoUri, policyUri: client.policyUri },
      scopes,
      optionalScopes: scopes.filter((s) => s !== 'openid'),
      claims: scopes.flatMap((s) => (s in SCOPE_CLAIMS ? [...SCOPE_CLAIMS[s as keyof typeof SCOPE_CLAIMS]] : [])).filter((c) => c !== 'sub'),
      prompt: { name: interaction.prompt.name === 'login' ? 'login' : 'consent', reasons: interaction.prompt.reasons },
      acrRequired: needed && needed !== 'low' ? acrOf(needed) : null,
    };
  }

  /** Signs the citizen in to the provider with their session; refused when the service needs more. */
  async login(raw: RawPair, uid: string, principal: CitizenPrincipal, clientIp: string | null): Promise<{ redirectTo: string }> {
    const interaction = await this.find(raw, uid);
    if (interaction.prompt.name !== 'login') throw new AppError('INTERACTION_WRONG_STEP', { expected: interaction.prompt.name });
    this.requireAssurance(interaction, principal);
    const opening = await accounts.findSessionOpening(this.ctx.db, principal.sessionId);
    if (!opening) throw new AppError('SESSION_REQUIRED');
    const authTime = Math.floor(new Date(opening.created_at).getTime() / 1000);
    // prompt=login and max_age ask for a sign-in made for this request (or recent enough), not an old session.
    const reasons = interaction.prompt.reasons;
    if (reasons.includes('login_prompt') && authTime < interaction.iat) throw new AppError('REAUTHENTICATION_REQUIRED');
    const maxAge = interaction.params.max_age === undefined ? null : Number(interaction.params.max_age);
    if (maxAge !== null && Date.now() / 1000 - authTime > maxAge) throw new AppError('REAUTHENTICATION_REQUIRED');
    const acr = acrOf(principal.assurance);
    const redirectTo = await this.oidc.provider().interactionResult(raw.req, raw.res, {
      login: { accountId: principal.profileId, acr, amr: amrOf(opening.method, principal.assurance), ts: authTime, remember: true },
    });
    await appendAudit(this.ctx.db, {
      type: 'oidc.signed_in',
      actor: 'citizen',
      profileId: principal.profileId,
      clientIp,
      details: { clientId: interaction.params.client_id, sessionId: principal.sessionId, acr },
    });
    return { redirectTo };
  }

  /** The citizen's answer: the grant of the chosen scopes (stored, audited), or access_denied to the service. */
  async consent(raw: RawPair, uid: string, principal: CitizenPrincipal, answer: { approve: boolean; scopes?: string[] }, clientIp: string | null): Promise<{ redirectTo: string }> {
    const interaction = await this.find(raw, uid);
    if (interaction.prompt.name !== 'consent') throw new AppError('INTERACTION_WRONG_STEP', { expected: interaction.prompt.name });
    // Another citizen signed in on this browser since: the service must sign them in again.
    if (interaction.session?.accountId !== principal.profileId) throw new AppError('INTERACTION_WRONG_STEP', { expected: 'login' });
    this.requireAssurance(interaction, principal);
    const clientId = interaction.params.client_id;
    const provider = this.oidc.provider();
    if (!answer.approve) {
      const redirectTo = await provider.interactionResult(raw.req, raw.res, { error: 'access_denied', error_description: 'The citizen declined the request' }, { mergeWithLastSubmission: false });
      await appendAudit(this.ctx.db, { type: 'oidc.consent_denied', actor: 'citizen', profileId: principal.profileId, clientIp, details: { clientId } });
      return { redirectTo };
    }
    const client = await this.oidc.clients.get(clientId);
    const offered = requestedScopes(interaction, client.scopes);
    const chosen = answer.scopes ?? offered;
    const unknown = chosen.find((s) => !offered.includes(s));
    if (unknown !== undefined) throw new AppError('OIDC_SCOPE_NOT_REQUESTED', { scope: unknown });
    const scopes = ['openid', ...chosen.filter((s) => s !== 'openid')];

    const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ?? new provider.Grant({ accountId: principal.profileId, clientId });
    grant.addOIDCScope(scopes.join(' '));
    // Scopes left unticked are recorded as refused, so the provider does not ask about them again.
    const refused = offered.filter((s) => !scopes.includes(s));
    if (refused.length > 0) grant.rejectOIDCScope(refused.join(' '));
    const missingClaims = (interaction.prompt.details.missingOIDCClaims as string[] | undefined) ?? [];
    if (missingClaims.length > 0) grant.addOIDCClaims(missingClaims);
    const grantId = await grant.save();
    const redirectTo = await provider.interactionResult(raw.req, raw.res, { consent: { grantId } });
    await appendAudit(this.ctx.db, { type: 'oidc.consent_given', actor: 'citizen', profileId: principal.profileId, clientIp, details: { clientId, grantId, scopes } });
    return { redirectTo };
  }

  private requireAssurance(interaction: Interaction, principal: CitizenPrincipal): void {
    const needed = requiredAssurance(interaction.params.acr_values);
    if (needed && needed !== 'low' && !assuranceMeets(principal.assurance, needed)) throw new AppError('STEP_UP_REQUIRED', { required: needed });
  }

  private async find(raw: RawPair, uid: string): Promise<Interaction> {
    let interaction: Interaction;
    try {
      interaction = await this.oidc.provider().interactionDetails(raw.req, raw.res);
    } catch {
      throw new AppError('INTERACTION_NOT_FOUND');
    }
    // The cookie names the interaction this browser started: another uid is not this browser's.
    if (interaction.uid !== uid) throw new AppError('INTERACTION_NOT_FOUND');
    return interaction;
  }
}

/** The scopes of the request the service is allowed, `openid` first, each once. */
function requestedScopes(interaction: Interaction, allowed: string[]): string[] {
  const asked = String(interaction.params.scope ?? '').split(' ').filter(Boolean);
  const scopes = [...new Set(asked)].filter((s) => allowed.includes(s));
  return ['openid', ...scopes.filter((s) => s !== 'openid')].filter((s) => asked.includes(s));
}
