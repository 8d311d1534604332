import type { RedriveFilter } from '@triggerline/contracts';

// Which filters make sense for which source: a dead letter's id or error category names
// nothing among executions, and a status or key filter among unresolved dead letters would
// silently match (or miss) what the operator did not mean.
const ONLY_FOR = {
  dead_letters: ['ids', 'errorCategory'],
  executions: ['status', 'idempotencyKey', 'targetTriggerId'],
} as const;

/** One message per filter given that does not go with the redrive's source. */
export function redriveFilterProblems(filter: RedriveFilter): string[] {
  const source = filter.source ?? 'dead_letters';
  const other = source === 'executions' ? 'dead_letters' : 'executions';
  return ONLY_FOR[other]
    .filter((field) => filter[field] !== undefined)
    .map((field) => `${field} applies to the ${other} source only, not to ${source}`);
}
