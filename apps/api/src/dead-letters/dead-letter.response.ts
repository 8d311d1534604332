import type { DeadLetter } from '@triggerline/contracts';
import { isoOrNull } from '../database/row-values';

export interface DeadLetterRow {
  id: string;
  execution_id: string;
  trigger_id: string;
  trigger_slug: string;
  payload: unknown;
  attempt_count: number;
  first_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_error: string | null;
  error_category: DeadLetter['errorCategory'];
  created_at: Date;
  created_at_text: string;
  resolved_at: Date | null;
  resolution: DeadLetter['resolution'];
  note: string | null;
  is_resolved: number;
}

/** Dead letters with their trigger's slug; callers add WHERE and ORDER BY. */
export const SELECT_DEAD_LETTER = `
  SELECT d.*, t.slug AS trigger_slug, d.created_at::text AS created_at_text,
         (d.resolved_at IS NOT NULL)::int AS is_resolved
  FROM dead_letters d JOIN triggers t ON t.id = d.trigger_id`;

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    executionId: row.execution_id,
    triggerId: row.trigger_id,
    triggerSlug: row.trigger_slug,
    payload: row.payload,
    attemptCount: row.attempt_count,
    firstAttemptAt: isoOrNull(row.first_attempt_at),
    lastAttemptAt: isoOrNull(row.last_attempt_at),
    lastError: row.last_error,
    errorCategory: row.error_category,
    createdAt: row.created_at.toISOString(),
    resolvedAt: isoOrNull(row.resolved_at),
    resolution: row.resolution,
    note: row.note,
  };
}
