// Schemas shared by the staff, moderation and ticket routes.
import { Type } from '@sinclair/typebox';

export const StaffIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const staffSecurity = [{ staffSession: [] }];

export const StaffMe = Type.Object({
  staff: Type.Object({
    id: Type.String(),
    login: Type.String(),
    role: Type.Union([Type.Literal('moderator'), Type.Literal('operator'), Type.Literal('admin')]),
    passwordChangeRequired: Type.Boolean(),
  }),
  csrfToken: Type.String({ description: `Send back in the x-csrf-token header on every POST` }),
  idleTimeoutSeconds: Type.Integer(),
});
