import type { Language } from '../language.js';
import type { ErrorCode, ErrorDetails } from './catalogue.js';

export interface ErrorDefinition {
  status: number;
  message: Record<Language, string>;
}

declare const detailsMark: unique symbol;
/** Type-only mark on a definition made by `withDetails`: the shape of its `details`. Never present at run time. */
export type DetailsMark = typeof detailsMark;

/** The arguments after the code: `details` (required when the code declares them) and response headers. */
export type AppErrorArgs<C extends ErrorCode> = undefined extends ErrorDetails<C>
  ? [details?: ErrorDetails<C>, headers?: Record<string, string>]
  : [details: ErrorDetails<C>, headers?: Record<string, string>];

/**
 * The one error type that crosses module boundaries. `code` is the API contract: only a code of the
 * catalogue compiles, and its `details` have the shape its definition declares (`withDetails`). The HTTP
 * status and the kk/ru/en message come from the catalogue; messages use {placeholders} filled from details.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: C,
    ...[details, headers]: AppErrorArgs<C>
  ) {
    super(code);
    this.name = 'AppError';
    this.details = details as Record<string, unknown> | undefined;
    this.headers = headers;
  }
}

/** One domain's table of codes. `const` keeps each message literal, so the catalogue can check placeholders. */
export function defineErrors<const T extends Record<string, ErrorDefinition>>(defs: T): T {
  return defs;
}

/**
 * A code whose error body carries `details` of type D (the client reads them, and the message's
 * {placeholders} are filled from them): `LOCKED: withDetails<{ lockedUntil: string }>()({ status, message })`.
 * Include `undefined` in D when the code is also thrown without details.
 */
export function withDetails<D extends Record<string, unknown> | undefined>() {
  return <const T extends ErrorDefinition>(def: T): T & { readonly [detailsMark]?: { details: D } } => def;
}
