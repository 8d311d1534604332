import { HELD_REASONS } from '@triggerline/contracts';
import { heldReason } from './held-reason';

describe('heldReason', () => {
  const at = '2026-11-24T14:05:09.000Z';

  it('says why and until when, in words', () => {
    expect(heldReason({ heldBy: 'circuit_open', nextAttemptAt: at }, 'UTC')).toBe(
      'waiting: circuit open until 14:05',
    );
    expect(heldReason({ heldBy: 'rate_limit', nextAttemptAt: at }, 'UTC')).toBe(
      'waiting: rate limit until 14:05:09',
    );
    expect(heldReason({ heldBy: 'watermark', nextAttemptAt: at }, 'UTC')).toBe(
      'waiting: daily watermark reached until 14:05 (or a release)',
    );
    expect(heldReason({ heldBy: 'paused', nextAttemptAt: null })).toBe('waiting: trigger paused');
    expect(heldReason({ heldBy: 'circuit_open', nextAttemptAt: null })).toBe(
      'waiting: circuit open, a probe is running',
    );
  });

  it('has words for every reason, and none when nothing holds the execution', () => {
    for (const heldBy of HELD_REASONS) {
      expect(heldReason({ heldBy, nextAttemptAt: at })).toMatch(/^waiting: /);
    }
    expect(heldReason({ heldBy: null, nextAttemptAt: at })).toBeNull();
  });
});
