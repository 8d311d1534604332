import type { StoredAction } from '../../triggers/trigger.entity';
import { buildHttpRequest } from './http.action';
import {
  type BuildResult,
  type DeliveryMeta,
  NOTHING_RECEIVED,
  type ReceivedParts,
} from './outbound-request';
import { buildWhatsappRequest } from './whatsapp.action';

export function buildRequest(
  action: StoredAction,
  payload: unknown,
  meta: DeliveryMeta,
  received: ReceivedParts = NOTHING_RECEIVED,
): BuildResult {
  switch (action.type) {
    case 'http':
      return buildHttpRequest(action, payload, meta, received);
    case 'whatsapp':
      return buildWhatsappRequest(action, payload, meta);
    default:
      return { ok: false, error: `Unknown action type "${(action as { type: string }).type}"` };
  }
}
