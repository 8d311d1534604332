import { readPath, renderTemplate } from '../../executions/payload-path';
import type { StoredAction } from '../../triggers/trigger.entity';
import { type BuildResult, type DeliveryMeta, deliveryHeaders } from './outbound-request';

type WhatsappAction = Extract<StoredAction, { type: 'whatsapp' }>;

/** `whatsapp` action: `POST {baseUrl}/send/text` with `{ number, text }` (Evolution API style). */
export function buildWhatsappRequest(
  action: WhatsappAction,
  payload: unknown,
  meta: DeliveryMeta,
): BuildResult {
  const number = readPath(payload, action.toPath);
  if (typeof number !== 'string' && typeof number !== 'number') {
    return { ok: false, error: `No recipient at "${action.toPath}" in the payload` };
  }
  const text = renderTemplate(action.textTemplate, payload);
  if (!text.ok) {
    return { ok: false, error: `No value at "${text.missingPath}" for the message template` };
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
      body: JSON.stringify({ number: String(number), text: text.text }),
      timeoutMs: action.timeoutMs,
    },
  };
}
