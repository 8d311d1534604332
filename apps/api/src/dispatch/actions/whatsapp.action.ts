import { buildWhatsappSend } from '@triggerline/contracts';
import type { StoredAction } from '../../triggers/trigger.entity';
import { type BuildResult, type DeliveryMeta, deliveryHeaders } from './outbound-request';
import { whatsappMessageId } from './whatsapp-message-id';

type WhatsappAction = Extract<StoredAction, { type: 'whatsapp' }>;

/** `whatsapp` action: the provider's send request (SPEC §15), with the delivery headers. */
export function buildWhatsappRequest(
  action: WhatsappAction,
  payload: unknown,
  meta: DeliveryMeta,
): BuildResult {
  if (action.apiKey === null) {
    return { ok: false, error: 'The WhatsApp action has no apiKey' };
  }
  const built = buildWhatsappSend({
    settings: action,
    apiKey: action.apiKey,
    payload,
    messageId: whatsappMessageId(meta.event),
  });
  if (!built.ok) {
    return built;
  }
  return {
    ok: true,
    request: {
      url: built.send.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...built.send.headers,
        ...deliveryHeaders(meta),
      },
      body: JSON.stringify(built.send.body),
      timeoutMs: action.timeoutMs,
    },
  };
}
