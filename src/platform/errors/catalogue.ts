// Every error code the API can answer with, gathered from the domains. Add a domain's table here.
import type { Language } from '../config.js';
import type { ErrorDefinition } from './app-error.js';
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

export const errorCatalogue: Record<string, ErrorDefinition> = {
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
};

export function errorMessage(code: string, language: Language, details?: Record<string, unknown>): string {
  const def = errorCatalogue[code] ?? errorCatalogue.INTERNAL_ERROR;
  return def.message[language].replace(/\{(\w+)\}/g, (m, key: string) =>
    details && details[key] !== undefined ? String(details[key]) : m,
  );
}

export function errorStatus(code: string): number {
  return (errorCatalogue[code] ?? errorCatalogue.INTERNAL_ERROR).status;
}
