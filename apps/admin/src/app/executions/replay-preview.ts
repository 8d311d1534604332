import type { Trigger } from '@triggerline/contracts';
import { isApiError } from '../core/api-error';

export interface ReplayPreview {
  destinationLabel: 'Target URL' | 'Recipient';
  destination: string;
  /** What will be sent, as shown to the operator. */
  body: string;
  /** Set when the replay is bound to fail, for example a missing recipient. */
  warning: string | null;
}

/** The value at a dotted path (`customer.phone`, `items.0.id`) of a JSON payload. */
export function valueAtPath(payload: unknown, path: string): unknown {
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Fills `{{path}}` placeholders from the payload; reports the paths it could not fill. */
export function renderTemplate(
  template: string,
  payload: unknown,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (_match, path: string) => {
    const value = valueAtPath(payload, path);
    if (value === undefined || value === null) {
      missing.push(path);
      return '';
    }
    return asText(value);
  });
  return { text, missing };
}

/** What a replay of `payload` through `trigger` will send, and where. */
export function previewReplay(trigger: Trigger | null, payload: unknown): ReplayPreview {
  const payloadJson = JSON.stringify(payload, null, 2) ?? 'null';
  if (trigger === null) {
    return {
      destinationLabel: 'Target URL',
      destination: 'unknown (the trigger could not be loaded)',
      body: payloadJson,
      warning: null,
    };
  }
  const action = trigger.action;
  if (action.type === 'http') {
    return {
      destinationLabel: 'Target URL',
      destination: `${action.method} ${action.url}`,
      body: payloadJson,
      warning: null,
    };
  }
  const recipient = valueAtPath(payload, action.toPath);
  const { text, missing } = renderTemplate(action.textTemplate, payload);
  const hasRecipient = recipient !== undefined && recipient !== null && recipient !== '';
  const warnings = [
    ...(hasRecipient
      ? []
      : [`The payload has no value at ${action.toPath}: the replay will fail.`]),
    ...(missing.length > 0 ? [`No value for ${missing.join(', ')} in the payload.`] : []),
  ];
  return {
    destinationLabel: 'Recipient',
    destination: hasRecipient ? asText(recipient) : `(missing at ${action.toPath})`,
    body: text,
    warning: warnings.length > 0 ? warnings.join(' ') : null,
  };
}

/**
 * What to tell the operator when a replay is refused. Reads only the structured error
 * (status, code, retryAfterSeconds), never the message text, except as a last resort.
 */
export function replayFailureMessage(error: unknown): string {
  if (!isApiError(error)) {
    return 'The replay failed unexpectedly.';
  }
  if (error.status === 429 && error.code === 'rate_limited') {
    const seconds = error.retryAfterSeconds;
    return seconds === undefined
      ? 'This event was replayed moments ago. Wait a little before replaying it again.'
      : `This event was replayed moments ago. Wait ${seconds} ${seconds === 1 ? 'second' : 'seconds'} before replaying it again.`;
  }
  if (error.status === 409 && error.code === 'not_replayable') {
    return 'This execution cannot be replayed: only failed (retryable) or dead-lettered executions can, and it has moved on since.';
  }
  if (error.status === 409 && error.code === 'already_resolved') {
    return 'This dead letter is already resolved, so it cannot be replayed again from here.';
  }
  if (error.status === 404) {
    return 'It no longer exists (it may have been deleted).';
  }
  return `The replay failed: ${error.message}`;
}
