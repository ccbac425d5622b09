// The citizen's sessions: opened by a finished sign-in, resolved from the cookie on every call (idle and
// absolute timeouts, a blocked Digital ID), listed and ended. Only HMACs of session tokens are stored;
// the CSRF token is derived from the session token (platform/csrf.ts).
import { randomUUID } from 'node:crypto';
import type { Config } from '../platform/config.js';
import type { Db, DbOrTx } from '../platform/db/database.js';
import { hmacSha256, randomToken } from '../platform/crypto.js';
import { csrfTokenFor } from '../platform/csrf.js';
import { AppError } from '../platform/errors/app-error.js';
import { appendAudit } from '../audit/audit.store.js';
import { describeBrowser, effectiveAssurance, type Assurance, type Browser, type SessionMethod } from './session.rules.js';
import { sessionStatus } from '../platform/session-lifetime.rules.js';
import { maskIp } from '../platform/masking.js';
import * as store from './session.store.js';

/** Who is calling a citizen route, resolved from the session cookie. */
export interface CitizenPrincipal {
  sessionId: string;
  profileId: string;
  /** The assurance now: `high` while a face step-up holds it, else `baseAssurance` (session.rules `effectiveAssurance`). */
  assurance: Assurance;
  /** What the session was opened with: `low` (code) or `substantial` (passkey). */
  baseAssurance: Assurance;
  /** Until when a step-up holds the session at `high`; null when it does not. */
  highAssuranceUntil: Date | null;
  /** The session's cookie value, for its CSRF token. */
  token: string;
}

export interface SessionView {
  id: string;
  current: boolean;
  assurance: Assurance;
  method: SessionMethod;
  browser: Browser;
  ipMasked: string | null;
  createdAt: string;
  lastSeenAt: string;
}

export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
  ) {}

  /** Opens a session in the caller's transaction; the token goes into the cookie and nowhere else. */
  async open(
    trx: DbOrTx,
    input: { profileId: string; assurance: Assurance; method: SessionMethod; userAgent: string | null; clientIp: string | null; now: Date; sourceRegistrationId?: string },
  ): Promise<{ sessionId: string; token: string; csrfToken: string }> {
    const { sessionId, token, tokenHash, csrfToken } = this.prepare();
    const opened = await store.insertSession(trx, { id: sessionId, tokenHash, ...input, userAgent: this.userAgent(input.userAgent) });
    // Only a registration's session can collide: that registration already opened one.
    if (!opened) throw new AppError('SIGNIN_EXPIRED');
    await appendAudit(trx, {
      type: 'session.started',
      actor: 'citizen',
      profileId: input.profileId,
      clientIp: input.clientIp,
      details: { sessionId, method: input.method, assurance: input.assurance },
    });
    return { sessionId, token, csrfToken };
  }

  /** A new session's id and token (and what is stored of it), for a step that opens it in its own statement. */
  prepare(): { sessionId: string; token: string; tokenHash: Buffer; csrfToken: string } {
    const token = randomToken();
    return { sessionId: randomUUID(), token, tokenHash: this.tokenHash(token), csrfToken: this.csrfToken(token) };
  }

  /** The user agent as stored: its first 512 characters. */
  userAgent(userAgent: string | null): string | null {
    return userAgent?.slice(0, 512) ?? null;
  }

  /** Resolves a cookie; refreshes the idle timer. 401 SESSION_REQUIRED when missing, ended, expired or blocked. */
  async authenticate(token: string | undefined): Promise<CitizenPrincipal> {
    if (!token || token.length > 100) throw new AppError('SESSION_REQUIRED');
    const now = new Date();
    // One round trip: the session as it was, its last use moved in the same statement when the rule below holds.
    const { idleTimeoutSeconds, absoluteTimeoutSeconds } = this.config.session;
    const activeAfter = { createdAt: new Date(now.getTime() - absoluteTimeoutSeconds * 1000), lastSeenAt: new Date(now.getTime() - idleTimeoutSeconds * 1000) };
    const row = await store.findAndTouchSession(this.db, this.tokenHash(token), now, activeAfter);
    if (!row) throw new AppError('SESSION_REQUIRED');
    const status = sessionStatus({ createdAt: new Date(row.created_at), lastSeenAt: new Date(row.last_seen_at), endedAt: row.ended_at }, now, this.config.session);
    if (status === 'ended') throw new AppError('SESSION_REQUIRED');
    if (status !== 'active' || row.blocked_at) {
      const reason = row.blocked_at ? 'blocked' : status === 'idle_expired' ? 'idle' : 'absolute';
      await store.endSession(this.db, row.profile_id, row.id, reason, now);
      throw new AppError('SESSION_REQUIRED', { reason: row.blocked_at ? 'blocked' : 'expired' });
    }
    const effective = effectiveAssurance({ baseAssurance: row.assurance, highAssuranceUntil: row.high_assurance_until ? new Date(row.high_assurance_until) : null }, now);
    return { sessionId: row.id, profileId: row.profile_id, assurance: effective.assurance, baseAssurance: row.assurance, highAssuranceUntil: effective.highUntil, token };
  }

  csrfToken(token: string): string {
    return csrfTokenFor(this.config.secretKey, 'citizen-csrf', token);
  }

  async list(principal: CitizenPrincipal): Promise<SessionView[]> {
    const now = new Date();
    const rows = await store.listActiveSessions(this.db, principal.profileId, now, this.config.session);
    return rows.map((row) => ({
      id: row.id,
      current: row.id === principal.sessionId,
      assurance: effectiveAssurance({ baseAssurance: row.assurance, highAssuranceUntil: row.high_assurance_until ? new Date(row.high_assurance_until) : null }, now).assurance,
      method: row.method,
      browser: describeBrowser(row.user_agent),
      ipMasked: maskIp(row.client_ip),
      createdAt: new Date(row.created_at).toISOString(),
      lastSeenAt: new Date(row.last_seen_at).toISOString(),
    }));
  }

  /** Ends one of the citizen's own sessions (this one included); 404 for any other id. */
  async revoke(principal: CitizenPrincipal, sessionId: string, clientIp: string | null): Promise<{ current: boolean }> {
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.endSession(trx, principal.profileId, sessionId, 'revoked', now))) throw new AppError('SESSION_NOT_FOUND');
      await appendAudit(trx, { type: 'session.revoked', actor: 'citizen', profileId: principal.profileId, clientIp, details: { sessionId, by: principal.sessionId } });
    });
    return { current: sessionId === principal.sessionId };
  }

  async logout(principal: CitizenPrincipal, everywhere: boolean, clientIp: string | null): Promise<void> {
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      if (everywhere) {
        const ended = await store.endAllSessions(trx, principal.profileId, 'logout_everywhere', now);
        await appendAudit(trx, { type: 'session.ended_everywhere', actor: 'citizen', profileId: principal.profileId, clientIp, details: { sessionId: principal.sessionId, ended } });
      } else {
        await store.endSession(trx, principal.profileId, principal.sessionId, 'logout', now);
        await appendAudit(trx, { type: 'session.ended', actor: 'citizen', profileId: principal.profileId, clientIp, details: { sessionId: principal.sessionId } });
      }
    });
  }

  private tokenHash(token: string): Buffer {
    return hmacSha256(this.config.secretKey, 'citizen-session', token);
  }
}
