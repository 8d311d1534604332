import type { ReconciliationResult } from '@triggerline/contracts';
import type { StoredAction } from '../../triggers/trigger.entity';
import { type AttemptResult, truncate } from './send-request';
import type { OutboundRequest } from './outbound-request';

type WhatsappAction = Extract<StoredAction, { type: 'whatsapp' }>;

/**
 * Evolution Go's `POST {baseUrl}/message/status { "id" }` (header `apikey`): what its message
 * store knows of the message with that client id. docs/whatsapp.md cites the handler.
 */
export function buildWhatsappStatusRequest(input: {
  action: WhatsappAction;
  apiKey: string;
  messageId: string;
  executionId: string;
  timeoutMs: number;
}): OutboundRequest {
  return {
    url: `${input.action.baseUrl.replace(/\/+$/, '')}/message/status`,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      apikey: input.apiKey,
      'x-triggerline-execution': input.executionId,
    },
    body: JSON.stringify({ id: input.messageId }),
    timeoutMs: input.timeoutMs,
  };
}

// What of the gateway's answer is kept on the attempt (and in the execution's last error).
const MAX_DETAIL = 300;

// Evolution Go stores "Delivered" and "Read" from receipts; its guide lists PENDING, SENT,
// DELIVERED and READ. Any of these but PENDING means the message left the gateway.
const SENT_STATUSES = new Set(['sent', 'delivered', 'read', 'played']);

/**
 * What the gateway's answer says: 200 `{ data: { result: null } }` is a message it does not
 * know; a `result` with a sent, delivered or read `status` one that went out; anything else
 * (an error status, no answer, another body) proves nothing.
 */
export function readWhatsappStatus(answer: AttemptResult): {
  result: ReconciliationResult;
  detail: string;
} {
  if (answer.httpStatus === null) {
    return { result: 'unavailable', detail: truncate(answer.error ?? 'No answer', MAX_DETAIL) };
  }
  if (answer.httpStatus !== 200) {
    const body = answer.responseExcerpt === null ? '' : `: ${answer.responseExcerpt}`;
    return {
      result: 'unavailable',
      detail: truncate(`HTTP ${answer.httpStatus}${body}`, MAX_DETAIL),
    };
  }
  const result = parseResult(answer.responseExcerpt);
  if (result === undefined) {
    return { result: 'unavailable', detail: 'The status answer had no data.result' };
  }
  if (result === null) {
    return { result: 'not_found', detail: 'The gateway does not know the message id' };
  }
  const status = typeof result['status'] === 'string' ? result['status'] : '';
  return {
    result: SENT_STATUSES.has(status.toLowerCase()) ? 'sent' : 'pending',
    detail: status === '' ? 'The message has no status yet' : truncate(status, MAX_DETAIL),
  };
}

// data.result of the answer: null when unknown, undefined when the body is not the answer.
function parseResult(body: string | null): Record<string, unknown> | null | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as { data?: { result?: unknown } } | null;
    const result = parsed?.data?.result;
    if (result === null) {
      return null;
    }
    return typeof result === 'object' && result !== undefined && !Array.isArray(result)
      ? (result as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
