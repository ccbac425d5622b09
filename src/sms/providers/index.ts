// The one place that picks how SMS leave the system, from config.sms.provider.
import type { Config } from '../../platform/config.js';
import type { Logger } from '../../platform/logging.js';
import type { ReceiptListener, SmsProvider } from '../sms.gateway.js';
import { createHttpProvider } from './http.provider.js';
import { createOutboxProvider } from './outbox.provider.js';
import { createSmppProvider } from './smpp.provider.js';

export function createSmsProvider(config: Config, deps: { logger: Logger; onReceipt: ReceiptListener }): SmsProvider {
  switch (config.sms.provider) {
    case 'outbox':
      return createOutboxProvider();
    case 'http':
      return createHttpProvider({ url: config.sms.http.url!, token: config.sms.http.token });
    case 'smpp':
      return createSmppProvider({
        url: config.sms.smpp.url!,
        systemId: config.sms.smpp.systemId,
        password: config.sms.smpp.password,
        sourceAddr: config.sms.smpp.sourceAddr,
        logger: deps.logger,
        onReceipt: deps.onReceipt,
      });
  }
}
