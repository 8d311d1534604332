import type { ValidatorFn } from '@angular/forms';
import { type DeliveryFilter, FILTER_OPERATORS } from '@triggerline/contracts';

/** Filters for the senders that send many kinds of events to one URL. */
export const FILTER_EXAMPLES: readonly { label: string; filter: DeliveryFilter }[] = [
  {
    label: 'Evolution: messages only',
    filter: { 'body.event': { $in: ['messages.upsert', 'MESSAGE'] } },
  },
  {
    label: 'Meta: messages, not status updates',
    filter: { 'body.entry.0.changes.0.value.messages': { $exists: true } },
  },
  {
    label: 'GitHub: pushes to main',
    filter: { 'headers.x-github-event': 'push', 'body.ref': 'refs/heads/main' },
  },
  {
    label: 'Stripe: payment intents',
    filter: { 'body.type': { $regex: '^payment_intent\\.' } },
  },
];

const OPERATORS = new Set<string>(FILTER_OPERATORS);

export type ParsedFilter =
  { isValid: true; filter: DeliveryFilter | null } | { isValid: false; problem: string };

/**
 * The filter a textarea holds: empty is null (every delivery is kept); otherwise a JSON object
 * using only the operators the API accepts. The API checks the rest (regexes, size).
 */
export function parseFilter(text: string): ParsedFilter {
  if (text.trim() === '') {
    return { isValid: true, filter: null };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { isValid: false, problem: 'Not valid JSON.' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { isValid: false, problem: 'A filter is a JSON object, such as {"body.event": "x"}.' };
  }
  const unknown = unknownOperator(parsed);
  return unknown === null
    ? { isValid: true, filter: parsed as DeliveryFilter }
    : { isValid: false, problem: `${unknown} is not an operator filters may use.` };
}

function unknownOperator(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$') && !OPERATORS.has(key)) {
      return key;
    }
    const inner = unknownOperator(item);
    if (inner !== null) {
      return inner;
    }
  }
  return null;
}

/** Empty, or a filter `parseFilter` accepts; the error carries its problem to show. */
export const deliveryFilterJson: ValidatorFn = (control) => {
  const parsed = parseFilter(String(control.value ?? ''));
  return parsed.isValid ? null : { filter: parsed.problem };
};

/** A filter as the textarea shows it: on one line when short, else indented. */
export function formatFilter(filter: DeliveryFilter | null): string {
  if (filter === null) {
    return '';
  }
  const line = JSON.stringify(filter);
  return line.length <= 80 ? line : JSON.stringify(filter, null, 2);
}
