// Passkeys (WebAuthn, @simplewebauthn/server): a signed-in citizen adds, renames and removes them; a
// passkey alone then opens a session of assurance `substantial`. Credentials are discoverable (the
// browser offers the citizen's passkeys without a phone number) and need user verification. Each
// ceremony's challenge is stored as an HMAC, taken out on first use and refused after its lifetime, so
// an assertion cannot be replayed; the signature counter is checked against the stored one (clones).
import { randomUUID } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type AuthenticatorTransport,
} from '@simplewebauthn/server';
import type { AppContext } from '../app-context.js';
import type { Tx } from '../platform/db/database.js';
import { constantTimeEqual, hmacSha256 } from '../platform/crypto.js';
import { AppError } from '../platform/errors/app-error.js';
import { maskPhone } from '../platform/masking.js';
import { appendAudit } from '../audit/audit.store.js';
import { challengeExpiry, defaultPasskeyName, normalizePasskeyName, relyingParty } from './passkey.rules.js';
import type { Assurance } from './session.rules.js';
import type { CitizenPrincipal, SessionService } from './session.service.js';
import * as sessionStore from './session.store.js';
import * as store from './passkey.store.js';

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const RP_NAME = 'Digital ID';
// ES256 (every platform authenticator) and RS256 (older Windows Hello).
const ALGORITHMS = [-7, -257];

type Client = { clientIp: string; userAgent: string | null };

export class PasskeyService {
  private readonly rp: { rpID: string; origin: string };

  constructor(
    private readonly ctx: AppContext,
    private readonly sessions: SessionService,
  ) {
    this.rp = relyingParty(ctx.config.http.publicUrl);
  }

  // ── adding a passkey (signed in) ──────────────────────────────────────────────────────────────────

  async registrationOptions(principal: CitizenPrincipal, clientIp: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const now = new Date();
    const profile = await sessionStore.findProfile(this.ctx.db, principal.profileId);
    if (!profile) throw new AppError('SESSION_REQUIRED');
    const existing = await store.listCredentialIds(this.ctx.db, profile.id);
    if (existing.length >= this.ctx.config.passkey.maxPerProfile) throw new AppError('PASSKEY_LIMIT_REACHED');
    const person = await this.ctx.registry.findPerson(profile.iin);
    const account = maskPhone(profile.phone);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: this.rp.rpID,
      userID: this.userHandle(profile.id),
      userName: account,
      userDisplayName: person ? `${person.firstName} ${person.lastName}` : account,
      timeout: this.ctx.config.passkey.challengeTtlSeconds * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.credential_id, transports: c.transports as AuthenticatorTransport[] })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs: ALGORITHMS,
    });
    await this.storeChallenge(options.challenge, 'registration', { profileId: profile.id, sessionId: principal.sessionId, clientIp, now });
    return options;
  }

  async register(principal: CitizenPrincipal, input: { name?: string; response: RegistrationResponseJSON }, client: Client): Promise<PasskeyView> {
    const now = new Date();
    const name = input.name === undefined ? undefined : normalizePasskeyName(input.name);
    if (name === null) throw new AppError('PASSKEY_NAME_INVALID');
    const challenge = await this.takeChallenge(input.response.response?.clientDataJSON, 'registration', now);
    // A registration challenge belongs to the session that asked for it.
    if (challenge.row.profile_id !== principal.profileId || challenge.row.session_id !== principal.sessionId) throw new AppError('PASSKEY_CHALLENGE_EXPIRED');

    let info;
    try {
      const verified = await verifyRegistrationResponse({
        response: input.response,
        expectedChallenge: challenge.value,
        expectedOrigin: this.rp.origin,
        expectedRPID: this.rp.rpID,
        requireUserVerification: true,
        supportedAlgorithmIDs: ALGORITHMS,
      });
      // The id the browser reports must be the one inside the signed authenticator data.
      if (!verified.verified || verified.registrationInfo.credential.id !== input.response.id) throw new AppError('PASSKEY_REGISTRATION_FAILED');
      info = verified.registrationInfo;
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('PASSKEY_REGISTRATION_FAILED');
    }

    const id = randomUUID();
    const passkeyName = name ?? defaultPasskeyName(info.aaguid, client.userAgent);
    await this.ctx.db.transaction().execute(async (trx) => {
      // The Digital ID's row serialises concurrent additions, so the limit holds.
      const profile = await sessionStore.findProfile(trx, principal.profileId, { forUpdate: true });
      if (!profile || profile.blocked_at) throw new AppError('SESSION_REQUIRED');
      const existing = await store.listCredentialIds(trx, profile.id);
      if (existing.length >= this.ctx.config.passkey.maxPerProfile) throw new AppError('PASSKEY_LIMIT_REACHED');
      const inserted = await store.insertPasskey(trx, {
        id,
        profileId: profile.id,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        aaguid: info.aaguid,
        backedUp: info.credentialBackedUp,
        name: passkeyName,
        now,
      });
      if (!inserted) throw new AppError('PASSKEY_ALREADY_REGISTERED');
      await appendAudit(trx, {
        type: 'passkey.added',
        actor: 'citizen',
        profileId: profile.id,
        clientIp: client.clientIp,
        details: { passkeyId: id, sessionId: principal.sessionId, aaguid: info.aaguid },
      });
    });
    return { id, name: passkeyName, createdAt: now.toISOString(), lastUsedAt: null };
  }

  async list(principal: CitizenPrincipal): Promise<PasskeyView[]> {
    return (await store.listPasskeys(this.ctx.db, principal.profileId)).map(view);
  }

  async rename(principal: CitizenPrincipal, id: string, rawName: unknown, clientIp: string): Promise<PasskeyView> {
    const name = normalizePasskeyName(rawName);
    if (name === null) throw new AppError('PASSKEY_NAME_INVALID');
    return this.ctx.db.transaction().execute(async (trx) => {
      if (!(await store.renamePasskey(trx, principal.profileId, id, name))) throw new AppError('PASSKEY_NOT_FOUND');
      await appendAudit(trx, { type: 'passkey.renamed', actor: 'citizen', profileId: principal.profileId, clientIp, details: { passkeyId: id, sessionId: principal.sessionId } });
      return view((await store.findPasskey(trx, principal.profileId, id))!);
    });
  }

  async remove(principal: CitizenPrincipal, id: string, clientIp: string): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      if (!(await store.deletePasskey(trx, principal.profileId, id))) throw new AppError('PASSKEY_NOT_FOUND');
      await appendAudit(trx, { type: 'passkey.removed', actor: 'citizen', profileId: principal.profileId, clientIp, details: { passkeyId: id, sessionId: principal.sessionId } });
    });
  }

  // ── signing in with a passkey ─────────────────────────────────────────────────────────────────────

  async authenticationOptions(clientIp: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const now = new Date();
    const options = await generateAuthenticationOptions({
      rpID: this.rp.rpID,
      // Discoverable credentials: the browser offers whatever passkeys it holds for this site.
      allowCredentials: [],
      userVerification: 'required',
      timeout: this.ctx.config.passkey.challengeTtlSeconds * 1000,
    });
    if ((await store.countOpenChallenges(this.ctx.db, clientIp, now)) >= this.ctx.config.passkey.openChallengesPerIp) {
      const retryAfter = this.ctx.config.passkey.challengeTtlSeconds;
      throw new AppError('RATE_LIMITED', { retryAfter }, { 'retry-after': String(retryAfter) });
    }
    await this.storeChallenge(options.challenge, 'authentication', { profileId: null, sessionId: null, clientIp, now });
    return options;
  }

  /**
   * Checks the assertion and opens a session. Whatever goes wrong with the credential (unknown, wrong
   * signature, counter gone back, another user handle) answers PASSKEY_NOT_RECOGNISED alike; the
   * failure is recorded (on the Digital ID's activity when the credential is known) before it is reported.
   */
  async signIn(response: AuthenticationResponseJSON, client: Client): Promise<{ assurance: Assurance; token: string; csrfToken: string }> {
    const now = new Date();
    const challenge = await this.takeChallenge(response.response?.clientDataJSON, 'authentication', now);
    const outcome = await this.ctx.db.transaction().execute(async (trx) => {
      const key = await store.findByCredentialForUpdate(trx, response.id);
      if (!key) return this.refuse(trx, null, 'unknown_credential', client);
      let verified;
      try {
        verified = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge.value,
          expectedOrigin: this.rp.origin,
          expectedRPID: this.rp.rpID,
          requireUserVerification: true,
          credential: { id: key.credential_id, publicKey: new Uint8Array(key.public_key), counter: Number(key.counter), transports: key.transports as AuthenticatorTransport[] },
        });
      } catch (err) {
        const reason = err instanceof Error && /counter/i.test(err.message) ? 'counter_regressed' : 'assertion_invalid';
        return this.refuse(trx, key.profile_id, reason, client);
      }
      if (!verified.verified) return this.refuse(trx, key.profile_id, 'assertion_invalid', client);
      const userHandle = response.response.userHandle;
      if (userHandle !== undefined && !constantTimeEqual(Buffer.from(userHandle), Buffer.from(Buffer.from(this.userHandle(key.profile_id)).toString('base64url')))) {
        return this.refuse(trx, key.profile_id, 'user_handle_mismatch', client);
      }
      if (key.blocked_at) {
        await appendAudit(trx, { type: 'signin.failed', actor: 'citizen', profileId: key.profile_id, clientIp: client.clientIp, details: { reason: 'DIGITAL_ID_BLOCKED' } });
        return { ok: false as const, error: new AppError('DIGITAL_ID_BLOCKED') };
      }
      await store.recordUse(trx, key.id, verified.authenticationInfo.newCounter, now);
      const session = await this.sessions.open(trx, { profileId: key.profile_id, assurance: 'substantial', method: 'passkey', userAgent: client.userAgent, clientIp: client.clientIp, now });
      return { ok: true as const, session };
    });
    if (!outcome.ok) throw outcome.error;
    return { assurance: 'substantial', token: outcome.session.token, csrfToken: outcome.session.csrfToken };
  }

  private async refuse(trx: Tx, profileId: string | null, reason: string, client: Client) {
    await appendAudit(trx, { type: 'signin.failed', actor: profileId ? 'citizen' : 'anonymous', profileId, clientIp: client.clientIp, details: { reason: `passkey_${reason}` } });
    return { ok: false as const, error: new AppError('PASSKEY_NOT_RECOGNISED') };
  }

  // ── challenges ────────────────────────────────────────────────────────────────────────────────────

  private async storeChallenge(value: string, purpose: store.ChallengePurpose, owner: { profileId: string | null; sessionId: string | null; clientIp: string; now: Date }) {
    await this.ctx.db.transaction().execute(async (trx) => {
      await store.deleteExpiredChallenges(trx, owner.now);
      await store.insertChallenge(trx, {
        hash: this.challengeHash(value),
        purpose,
        profileId: owner.profileId,
        sessionId: owner.sessionId,
        clientIp: owner.clientIp,
        now: owner.now,
        expiresAt: challengeExpiry(owner.now, this.ctx.config.passkey.challengeTtlSeconds),
      });
    });
  }

  /**
   * The challenge the browser signed (from clientDataJSON), taken out of the table on its own — committed
   * whatever the verification then says, so it never serves twice. Unknown, used or expired: 410.
   */
  private async takeChallenge(clientDataJSON: unknown, purpose: store.ChallengePurpose, now: Date) {
    const value = challengeOf(clientDataJSON);
    if (value === null) throw new AppError(purpose === 'authentication' ? 'PASSKEY_NOT_RECOGNISED' : 'PASSKEY_REGISTRATION_FAILED');
    const row = await store.consumeChallenge(this.ctx.db, this.challengeHash(value), purpose);
    if (!row || new Date(row.expires_at) <= now) throw new AppError('PASSKEY_CHALLENGE_EXPIRED');
    return { value, row };
  }

  private challengeHash(challenge: string): Buffer {
    return hmacSha256(this.ctx.config.secretKey, 'passkey-challenge', challenge);
  }

  /** The WebAuthn user handle of a Digital ID: derived, so the authenticator never learns the profile's id. */
  private userHandle(profileId: string): Uint8Array<ArrayBuffer> {
    return new Uint8Array(hmacSha256(this.ctx.config.secretKey, 'webauthn-user', profileId));
  }
}

/** The challenge inside a base64url clientDataJSON; null when it is not one. */
function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    const challenge = (parsed as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

function view(row: { id: string; name: string; created_at: Date; last_used_at: Date | null }): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  };
}
