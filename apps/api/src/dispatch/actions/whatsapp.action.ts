import { composeWhatsappMessage } from '@triggerline/contracts';
import type { StoredAction } from '../../triggers/trigger.entity';
import { type BuildResult, type DeliveryMeta, deliveryHeaders } from './outbound-request';

type WhatsappAction = Extract<StoredAction, { type: 'whatsapp' }>;

/** `whatsapp` action: `POST {baseUrl}/send/text` with `{ number, text }` (Evolution API style). */
export function buildWhatsappRequest(
  action: WhatsappAction,
  payload: unknown,
  meta: DeliveryMeta,
): BuildResult {
  const message = composeWhatsappMessage(action, payload);
  if (!message.ok) {
    return message;
  }
  if (action.apiKey === null) {
    return { ok: false, error: 'The WhatsApp action has no apiKey' };
  }
  return {
    ok: true,
    request: {
      url: `${action.baseUrl.replace(/\/+$/, '')}/send/text`,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        apikey: action.apiKey,
        ...deliveryHeaders(meta),
      },
      body: JSON.stringify({ number: message.number, text: message.text }),
      timeoutMs: action.timeoutMs,
    },
  };
}
