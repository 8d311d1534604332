import { FILTER_OPERATORS } from '@triggerline/contracts';
import sift from 'sift';

const OPERATORS = new Set<string>(FILTER_OPERATORS);
const MAX_FILTER_BYTES = 16_384;
const MAX_DEPTH = 16;

/** What a filter is evaluated on (SPEC §13): the parsed body, request headers, query. */
export interface FilteredDelivery {
  body: unknown;
  headers: Record<string, unknown>;
  query: Record<string, unknown>;
}

/** Why a filter cannot be used, or null: only known operators, valid regexes, bounded size. */
export function filterProblem(filter: unknown): string | null {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    return 'filter must be a JSON object';
  }
  if (JSON.stringify(filter).length > MAX_FILTER_BYTES) {
    return `filter must be at most ${MAX_FILTER_BYTES} characters of JSON`;
  }
  const problem = operatorProblem(filter, 0);
  if (problem !== null) {
    return problem;
  }
  try {
    sift(filter);
  } catch (error) {
    return `filter is not a valid query: ${(error as Error).message}`;
  }
  return null;
}

function operatorProblem(value: unknown, depth: number): string | null {
  if (depth > MAX_DEPTH) {
    return `filter is nested deeper than ${MAX_DEPTH} levels`;
  }
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$') && !OPERATORS.has(key)) {
      return `filter operator ${key} is not supported (use ${FILTER_OPERATORS.join(', ')})`;
    }
    if (key === '$regex' && typeof item === 'string') {
      try {
        new RegExp(item);
      } catch {
        return `filter $regex ${JSON.stringify(item)} is not a valid regular expression`;
      }
    }
    const problem = operatorProblem(item, depth + 1);
    if (problem !== null) {
      return problem;
    }
  }
  return null;
}

// Compiled filters by their JSON: a trigger's filter is compiled once, not per delivery.
const compiled = new Map<string, (delivery: FilteredDelivery) => boolean>();

/** Whether a delivery passes a trigger's filter (null keeps everything). */
export function isKept(
  filter: Record<string, unknown> | null,
  delivery: FilteredDelivery,
): boolean {
  if (filter === null) {
    return true;
  }
  const key = JSON.stringify(filter);
  let test = compiled.get(key);
  if (test === undefined) {
    if (compiled.size >= 1000) {
      compiled.clear();
    }
    test = sift(filter) as (delivery: FilteredDelivery) => boolean;
    compiled.set(key, test);
  }
  return test(delivery);
}
