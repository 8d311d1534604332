import { EXECUTION_STATUSES } from '../index';
import { isReplayable } from './replayable';

describe(isReplayable.name, () => {
  it.each(EXECUTION_STATUSES.map((status) => [status]))('decides for %p', (status) => {
    expect(isReplayable(status)).toBe(
      ['failed_retryable', 'dead_lettered', 'outcome_unknown'].includes(status),
    );
  });
});
