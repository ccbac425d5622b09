// /api/v1/staff: sign-in, sign-out, who am I, password change, and (admin) the audit log.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext, Services } from '../app-context.js';
import type { StaffPrincipal } from './staff.service.js';
import { clearSessionCookie, deviceCookie, principal, prepareStaffScope, sessionToken, setDeviceCookie, setSessionCookie, staffGuard } from './staff.auth.js';
import { DEVICE_COOKIE_MAX_AGE_SECONDS } from './staff-login-guard.js';
import { StaffMe, staffSecurity } from './staff.schemas.js';
import { errorRef } from '../platform/errors/error-body.js';

const LoginBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    totp: Type.String({ minLength: 1, maxLength: 10, description: 'The 6-digit code from the authenticator app' }),
  },
  { additionalProperties: false },
);
const PasswordBody = Type.Object(
  { currentPassword: Type.String({ maxLength: 256 }), newPassword: Type.String({ maxLength: 256 }) },
  { additionalProperties: false },
);
const AuditQuery = Type.Object(
  { type: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })) },
  { additionalProperties: false },
);

const AuditEvents = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.String(),
      at: Type.String({ format: 'date-time' }),
      type: Type.String(),
      actor: Type.String(),
      registrationId: Type.Union([Type.String(), Type.Null()]),
      subject: Type.Union([Type.String({ description: 'masked phone or IIN, or a staff login' }), Type.Null()]),
      clientIp: Type.Union([Type.String(), Type.Null()]),
      details: Type.Record(Type.String(), Type.Unknown(), { description: 'By type: src/audit/audit.events.ts' }),
    }),
  ),
});

const tags = ['staff'];

export function staffRoutes(ctx: AppContext, { staff: service }: Pick<Services, 'staff'>): FastifyPluginAsync {
  return async (app) => {
    await prepareStaffScope(app);
    const me = (staff: StaffPrincipal, token: string) => ({
      staff: { id: staff.id, login: staff.login, role: staff.role, passwordChangeRequired: staff.passwordChangeRequired },
      csrfToken: service.csrfToken(token),
      idleTimeoutSeconds: ctx.config.staff.idleTimeoutSeconds,
    });

    app.post<{ Body: Static<typeof LoginBody> }>(
      '/staff/login',
      {
        schema: {
          tags,
          summary: 'Staff sign-in with password and TOTP code; sets the HttpOnly session cookie',
          body: LoginBody,
          response: { 200: StaffMe, 400: errorRef, 401: errorRef, 429: errorRef },
        },
      },
      async (request, reply) => {
        const result = await service.login({ ...request.body, clientIp: request.ip, deviceCookie: deviceCookie(request) });
        setSessionCookie(reply, ctx.config, result.token);
        setDeviceCookie(reply, ctx.config, result.deviceCookie, DEVICE_COOKIE_MAX_AGE_SECONDS);
        return me(result.principal, result.token);
      },
    );

    app.get(
      '/staff/me',
      {
        preHandler: staffGuard(service, null, { allowPendingPasswordChange: true }),
        schema: { tags, summary: 'The signed-in staff member and the CSRF token', security: staffSecurity, response: { 200: StaffMe, 401: errorRef } },
      },
      async (request) => me(principal(request), sessionToken(request)!),
    );

    app.post(
      '/staff/logout',
      {
        preHandler: staffGuard(service, null, { allowPendingPasswordChange: true }),
        schema: { tags, summary: 'End the session', security: staffSecurity, response: { 204: Type.Null(), 401: errorRef, 403: errorRef } },
      },
      async (request, reply) => {
        await service.logout(principal(request), request.ip);
        clearSessionCookie(reply, ctx.config);
        return reply.status(204).send();
      },
    );

    app.post<{ Body: Static<typeof PasswordBody> }>(
      '/staff/password',
      {
        preHandler: staffGuard(service, null, { allowPendingPasswordChange: true }),
        schema: {
          tags,
          summary: 'Replace the password (required after the first sign-in with the one-time password)',
          security: staffSecurity,
          body: PasswordBody,
          response: { 200: StaffMe, 400: errorRef, 401: errorRef, 403: errorRef },
        },
      },
      async (request) => {
        const staff = principal(request);
        await service.changePassword(staff, request.body.currentPassword, request.body.newPassword, request.ip);
        return me({ ...staff, passwordChangeRequired: false }, sessionToken(request)!);
      },
    );

    app.get<{ Querystring: Static<typeof AuditQuery> }>(
      '/staff/audit',
      {
        preHandler: staffGuard(service, 'audit'),
        schema: {
          tags,
          summary: 'Latest audit events (admin)',
          security: staffSecurity,
          querystring: AuditQuery,
          response: { 200: AuditEvents, 401: errorRef, 403: errorRef },
        },
      },
      async (request) => ({ events: await service.auditEvents({ type: request.query.type, limit: request.query.limit === undefined ? undefined : Number(request.query.limit) }) }),
    );
  };
}
