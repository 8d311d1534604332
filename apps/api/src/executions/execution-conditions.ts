import { SqlConditions } from '../database/sql-conditions';

/** Which executions (alias `e`): the list's filters, which erasure applies too. */
export interface ExecutionMatch {
  triggerId?: string;
  idempotencyKey?: string;
  /** On created_at: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

export function executionConditions(match: ExecutionMatch): SqlConditions {
  const conditions = new SqlConditions();
  if (match.triggerId !== undefined) {
    conditions.add('e.trigger_id = ?', match.triggerId);
  }
  if (match.idempotencyKey !== undefined) {
    conditions.add('e.idempotency_key = ?', match.idempotencyKey);
  }
  if (match.from !== undefined) {
    conditions.add('e.created_at >= ?::timestamptz', match.from);
  }
  if (match.to !== undefined) {
    conditions.add('e.created_at < ?::timestamptz', match.to);
  }
  return conditions;
}
