import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit.events.js';

describe('audit events', () => {
  it('the compiler refuses an unknown type, a missing detail and a detail of the wrong shape (checked by npm run typecheck)', () => {
    const events: AuditEvent[] = [
      { type: 'otp.sent', actor: 'citizen' },
      { type: 'otp.sent', actor: 'citizen', details: { resend: true } },
      { type: 'staff.logout', actor: 'staff:amina' },
      // @ts-expect-error a type that is not in AuditEventDetails
      { type: 'otp.sended', actor: 'citizen' },
      // @ts-expect-error iin.attempts_exceeded declares its details: they are required
      { type: 'iin.attempts_exceeded', actor: 'citizen' },
      // @ts-expect-error staff.login_failed's reason is one of four words
      { type: 'staff.login_failed', actor: 'anonymous', details: { reason: 'bad luck' } },
      // @ts-expect-error an actor is citizen, system, moderator, anonymous or staff:<login>
      { type: 'staff.logout', actor: 'amina' },
    ];
    expect(events.map((e) => e.type)).toContain('staff.logout');
  });
});
