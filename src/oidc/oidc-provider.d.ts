// The part of oidc-provider 9's API this service uses (the package ships no type declarations).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    [key: string]: unknown;
    accountId?: string;
    clientId?: string;
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Client {
    clientId: string;
    clientName?: string;
    logoUri?: string;
    policyUri?: string;
    scope?: string;
    subjectType?: string;
    sectorIdentifier?: string;
    [key: string]: unknown;
  }

  export interface Grant {
    jti: string;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    getOIDCScope(): string;
    addOIDCClaims(claims: string[]): void;
    rejectOIDCScope(scope: string): void;
    save(ttl?: number): Promise<string>;
    destroy(): Promise<void>;
    [key: string]: unknown;
  }

  export interface PromptDetail {
    name: string;
    reasons: string[];
    details: Record<string, unknown>;
  }

  export interface Interaction {
    uid: string;
    jti: string;
    iat: number;
    exp: number;
    prompt: PromptDetail;
    params: Record<string, unknown> & { client_id: string; scope?: string; acr_values?: string; max_age?: number; prompt?: string; claims?: string };
    session?: { accountId?: string; uid?: string; cookie?: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
    result?: Record<string, unknown>;
    returnTo: string;
    save(ttl: number): Promise<string>;
    destroy(): Promise<void>;
  }

  export interface GrantConstructor {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface KoaContextWithOIDC {
    oidc: {
      params?: Record<string, unknown> & { acr_values?: string };
      client?: Client;
      session?: { accountId?: string; acr?: string; authTime?: number; grantIdFor(clientId: string): string | undefined };
      account?: { accountId: string };
      result?: Record<string, unknown>;
      route: string;
      requestParamScopes: Set<string>;
      requestParamClaims?: Set<string>;
      entities: Record<string, unknown>;
      provider: Provider;
    };
    cookies: { get(name: string, options?: Record<string, unknown>): string | undefined };
    /** A request header (Koa's ctx.get). */
    get(header: string): string;
    req: IncomingMessage;
    [key: string]: unknown;
  }

  /** The Koa context a middleware added with `provider.use` sees. */
  export interface ProviderMiddlewareContext {
    query: Record<string, unknown>;
    status: number;
    response: { get(header: string): string };
    redirect(url: string): void;
    body: unknown;
    type: string;
    cookies: { get(name: string, options?: { signed: boolean }): string | undefined };
    get(header: string): string;
    oidc?: { route: string; urlFor(name: string): string; params?: Record<string, unknown> };
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    readonly issuer: string;
    readonly Grant: GrantConstructor;
    readonly Client: { find(id: string): Promise<Client | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    on(event: string, listener: (...args: any[]) => void): this;
    use(middleware: (ctx: ProviderMiddlewareContext, next: () => Promise<void>) => Promise<void>): this;
  }

  export const interactionPolicy: {
    base(): Array<{ name: string; checks: { add(check: unknown, index?: number): void } }> & { get(name: string): { checks: { add(check: unknown, index?: number): void } } };
    Check: new (reason: string, description: string, check: (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>) => unknown;
  };
  export const errors: Record<string, new (...args: any[]) => Error>;
  export default Provider;
}
