import { EXECUTION_STATUSES } from '@triggerline/contracts';
import { isFinished, IS_UNFINISHED } from './execution-lifecycle';

describe(isFinished.name, () => {
  it('calls succeeded, dead_lettered and replayed finished, and nothing else', () => {
    expect(EXECUTION_STATUSES.filter(isFinished)).toEqual([
      'succeeded',
      'dead_lettered',
      'replayed',
    ]);
  });

  it('writes the unfinished states as the SQL condition the statements use', () => {
    expect(IS_UNFINISHED).toBe(
      `status IN ('pending', 'running', 'failed_retryable', 'outcome_unknown')`,
    );
  });
});
