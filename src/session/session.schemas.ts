// Schemas shared by the sign-in, session and profile routes.
import { Type } from '@sinclair/typebox';

export const AssuranceSchema = Type.Union([Type.Literal('low'), Type.Literal('substantial'), Type.Literal('high')], {
  description: 'low: SMS code; substantial: passkey; high: face step-up',
});

export const citizenSecurity = [{ citizenSession: [] }];

export const CSRF_DESCRIPTION = 'Send back in the x-csrf-token header on every POST and DELETE';
