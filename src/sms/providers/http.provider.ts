// HTTP provider: POST {to, text, id} as JSON with a bearer token; any 2xx means accepted and may
// return {messageId}. Delivery statuses come back on POST /api/v1/sms/http/status (see
// docs/sms-http-contract.md). Anything else is retried by the queue.
import type { ProviderAcceptance, ProviderMessage, SmsProvider } from '../sms.gateway.js';
import { SmsProviderError } from '../sms.gateway.js';

export interface HttpProviderOptions {
  url: string;
  token: string | null;
  timeoutMs?: number;
}

export function createHttpProvider(options: HttpProviderOptions): SmsProvider {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: 'http',
    async send(message: ProviderMessage): Promise<ProviderAcceptance> {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let res: Response;
      try {
        res = await fetch(options.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ to: message.phone, text: message.body, id: message.id }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((err as any).cause?.code ?? (err as Error).name);
        throw new SmsProviderError(`SMS HTTP gateway unreachable: ${reason}`);
      }
      const text = await res.text().catch(() => '');
      if (res.status < 200 || res.status > 299) {
        // 4xx other than 408/429 means this request will never be accepted as it is.
        const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
        throw new SmsProviderError(`SMS HTTP gateway answered ${res.status}`, permanent);
      }
      let providerMessageId: string | null = null;
      try {
        const body = text ? JSON.parse(text) : null;
        if (body && (typeof body.messageId === 'string' || typeof body.messageId === 'number')) providerMessageId = String(body.messageId);
      } catch {
        /* a 2xx without JSON is still an acceptance */
      }
      return { providerMessageId, delivered: false };
    },
    async stop() {},
  };
}
