// Development provider: nothing leaves the machine. The message counts as delivered at once and is
// readable at GET /api/v1/dev/sms (outside production only).
import type { ProviderAcceptance, ProviderMessage, SmsProvider } from '../sms.gateway.js';

export function createOutboxProvider(): SmsProvider {
  return {
    name: 'outbox',
    async send(message: ProviderMessage): Promise<ProviderAcceptance> {
      return { providerMessageId: `outbox-${message.id}`, delivered: true };
    },
    async stop() {},
  };
}
