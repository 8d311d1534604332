import { redriveFilterProblems } from './redrive-filter';

describe(redriveFilterProblems.name, () => {
  it('accepts the filters of each source', () => {
    expect(
      redriveFilterProblems({ ids: ['a'], errorCategory: 'permanent', triggerId: 't' }),
    ).toEqual([]);
    expect(
      redriveFilterProblems({
        source: 'executions',
        triggerId: 't',
        status: 'succeeded',
        idempotencyKey: 'k',
        from: '2026-01-01T00:00:00Z',
        targetTriggerId: 'u',
      }),
    ).toEqual([]);
  });

  it('names each filter given to the wrong source', () => {
    expect(redriveFilterProblems({ status: 'succeeded', targetTriggerId: 'u' })).toEqual([
      'status applies to the executions source only, not to dead_letters',
      'targetTriggerId applies to the executions source only, not to dead_letters',
    ]);
    expect(redriveFilterProblems({ source: 'executions', ids: ['a'] })).toEqual([
      'ids applies to the dead_letters source only, not to executions',
    ]);
  });
});
