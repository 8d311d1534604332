import {
  type ClassificationRule,
  describeRule,
  matchClassificationRule,
} from '@triggerline/contracts';
import type { AttemptResult } from '../dispatch/actions/send-request';

export interface RuledAttempt {
  result: AttemptResult;
  /** The `pause` rule that matched: the trigger is to be paused (SPEC §15). */
  pauseRule: ClassificationRule | null;
}

/**
 * A trigger's classification rules over an answered attempt, before the built-in classifier's
 * verdict stands: the first rule that matches the status and body excerpt decides. `pause`
 * records the attempt as transient. Attempts without a response status are left alone.
 */
export function applyClassificationRules(
  result: AttemptResult,
  rules: readonly ClassificationRule[],
): RuledAttempt {
  if (result.httpStatus === null || rules.length === 0) {
    return { result, pauseRule: null };
  }
  const match = matchClassificationRule(rules, {
    status: result.httpStatus,
    body: result.responseExcerpt,
  });
  if (match === null) {
    return { result, pauseRule: null };
  }
  const { rule } = match;
  const outcome = rule.outcome === 'pause' ? 'transient' : rule.outcome;
  const because = `classification rule ${match.index + 1} (${describeRule(rule)})`;
  return {
    result: {
      ...result,
      outcome,
      error:
        outcome === 'success' ? null : `${result.error ?? `HTTP ${result.httpStatus}`}; ${because}`,
      // Only a transient failure waits for Retry-After.
      retryAfterMs: outcome === 'transient' ? result.retryAfterMs : null,
    },
    pauseRule: rule.outcome === 'pause' ? rule : null,
  };
}
