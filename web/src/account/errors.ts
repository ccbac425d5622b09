import type { TFunction } from 'i18next';
import { ApiError } from '../api.js';
import { describeError } from '../format.js';
import { ACCOUNT_TEXTS } from './texts.js';

/** The text for an error of sign-in or the profile: this namespace's for its codes, else the wizard's. */
export function describeAccountError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && error.code in ACCOUNT_TEXTS.en.errors) return t(`account:errors.${error.code}`);
  return describeError(t, error);
}
