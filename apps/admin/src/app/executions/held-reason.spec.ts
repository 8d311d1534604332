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
    expect(heldReason({ heldBy: 'ordering', nextAttemptAt: at })).toBe(
      'waiting: earlier message to this person',
    );
    expect(heldReason({ heldBy: 'delay', nextAttemptAt: at }, 'UTC')).toBe(
      'waiting: delay after acceptance until 14:05:09',
    );
    expect(heldReason({ heldBy: 'circuit_open', nextAttemptAt: null })).toBe(
      'waiting: circuit open, a probe is running',
    );
  });

  it("tells a delivery window's opening in the window's own time zone", () => {
    const opening = { heldBy: 'window' as const, nextAttemptAt: '2026-12-07T11:00:00.000Z' };
    expect(heldReason({ ...opening, windowTimezone: 'America/Sao_Paulo' }, 'UTC')).toBe(
      'waiting: outside delivery window until 08:00 (America/Sao_Paulo)',
    );
  });

  it('has words for every reason, and none when nothing holds the execution', () => {
    for (const heldBy of HELD_REASONS) {
      expect(heldReason({ heldBy, nextAttemptAt: at })).toMatch(/^waiting: /);
    }
    expect(heldReason({ heldBy: null, nextAttemptAt: at })).toBeNull();
  });
});
