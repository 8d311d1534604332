import type { StoredAction } from '../../triggers/trigger.entity';
import { buildHttpRequest } from './http.action';
import type { BuildResult, DeliveryMeta } from './outbound-request';
import { buildWhatsappRequest } from './whatsapp.action';

export function buildRequest(
  action: StoredAction,
  payload: unknown,
  meta: DeliveryMeta,
): BuildResult {
  switch (action.type) {
    case 'http':
      return buildHttpRequest(action, payload, meta);
    case 'whatsapp':
      return buildWhatsappRequest(action, payload, meta);
    default:
      return { ok: false, error: `Unknown action type "${(action as { type: string }).type}"` };
  }
}
