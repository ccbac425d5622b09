// Every error code the API can answer with, gathered from the domains. Add a domain's table here.
// A new code: add it to its domain's `*.errors.ts` (status + kk/ru/en message; `withDetails<…>()` when the
// body carries details); `new AppError('CODE', details)` then compiles, and a misspelt code does not.
import type { Language } from '../language.js';
import type { Placeholders } from '../i18n.js';
import type { DetailsMark, ErrorDefinition } from './app-error.js';
import { platformErrors } from './platform.errors.js';
import { phoneErrors } from '../../phone/phone.errors.js';
import { iinErrors } from '../../iin/iin.errors.js';
import { otpErrors } from '../../otp/otp.errors.js';
import { registrationErrors } from '../../registration/registration.errors.js';
import { staffErrors } from '../../staff/staff.errors.js';
import { assistantErrors } from '../../assistant/assistant.errors.js';
import { moderationErrors } from '../../moderation/moderation.errors.js';
import { smsErrors } from '../../sms/sms.errors.js';
import { biometricsErrors } from '../../biometrics/biometrics.errors.js';
import { sessionErrors } from '../../session/session.errors.js';
import { passkeyErrors } from '../../session/passkey.errors.js';
import { oidcErrors } from '../../oidc/oidc.errors.js';
import { assuranceErrors } from '../../session/assurance.errors.js';
import { profileErrors } from '../../profile/profile.errors.js';

export const errorCatalogue = {
  ...platformErrors,
  ...phoneErrors,
  ...iinErrors,
  ...otpErrors,
  ...registrationErrors,
  ...staffErrors,
  ...assistantErrors,
  ...moderationErrors,
  ...smsErrors,
  ...biometricsErrors,
  ...sessionErrors,
  ...passkeyErrors,
  ...oidcErrors,
  ...assuranceErrors,
  ...profileErrors,
} satisfies Record<string, ErrorDefinition>;

type Catalogue = typeof errorCatalogue;
/** A stable machine code of the API: the union of every domain's table. */
export type ErrorCode = keyof Catalogue;
/** The `details` a code's error body carries (`undefined` for a code without details). */
export type ErrorDetails<C extends ErrorCode> = C extends ErrorCode ? DetailsOf<Catalogue[C]> : never;
type DetailsOf<T> = DetailsMark extends keyof T ? (T[DetailsMark] extends { details: infer D } | undefined ? D : never) : undefined;

// Compile-time check: every {placeholder} of a message is a key of its code's details.
type DetailKeys<D> = D extends undefined ? never : keyof D;
type UnfilledPlaceholders = {
  [C in ErrorCode]: [Exclude<Placeholders<Catalogue[C]['message'][Language]>, DetailKeys<ErrorDetails<C>>>] extends [never]
    ? never
    : C;
}[ErrorCode];
const placeholdersFilled: [UnfilledPlaceholders] extends [never] ? true : { codeWithUndeclaredPlaceholder: UnfilledPlaceholders } = true;
void placeholdersFilled;

const definitions: Record<string, ErrorDefinition> = errorCatalogue;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(definitions, code);
}

export function errorMessage(code: ErrorCode, language: Language, details?: Record<string, unknown>): string {
  const def = definitions[code] ?? definitions.INTERNAL_ERROR;
  return def.message[language].replace(/\{(\w+)\}/g, (m, key: string) =>
    details && details[key] !== undefined ? String(details[key]) : m,
  );
}

export function errorStatus(code: ErrorCode): number {
  return (definitions[code] ?? definitions.INTERNAL_ERROR).status;
}
