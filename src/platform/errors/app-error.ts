import type { Language } from '../config.js';

export interface ErrorDefinition {
  status: number;
  message: Record<Language, string>;
}

/**
 * The one error type that crosses module boundaries. `code` is the API contract; its HTTP status and
 * the kk/ru/en message come from the catalogue. Messages may use {placeholders} filled from details.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export function defineErrors<T extends Record<string, ErrorDefinition>>(defs: T): T {
  return defs;
}
