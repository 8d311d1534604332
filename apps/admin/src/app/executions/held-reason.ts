import type { Execution } from '@triggerline/contracts';

/**
 * Why flow control holds an execution, in words: `waiting: circuit open until 14:05`. Null
 * when nothing holds it. `timeZone` is for tests; the browser's own zone otherwise. A delivery
 * window's opening is told in the window's own zone, which is named.
 */
export function heldReason(
  execution: Pick<Execution, 'heldBy' | 'nextAttemptAt'> &
    Partial<Pick<Execution, 'windowTimezone'>>,
  timeZone?: string,
): string | null {
  const until = (withSeconds: boolean, zone = timeZone) => {
    if (execution.nextAttemptAt === null) {
      return '';
    }
    const time = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hour12: false,
      timeZone: zone,
    }).format(new Date(execution.nextAttemptAt));
    return ` until ${time}`;
  };
  switch (execution.heldBy) {
    case null:
      return null;
    case 'paused':
      return 'waiting: trigger paused';
    case 'rate_limit':
      return `waiting: rate limit${until(true)}`;
    case 'concurrency':
      return 'waiting: for a free concurrency slot';
    case 'circuit_open':
      return execution.nextAttemptAt === null
        ? 'waiting: circuit open, a probe is running'
        : `waiting: circuit open${until(false)}`;
    case 'watermark':
      return `waiting: daily watermark reached${until(false)} (or a release)`;
    case 'ordering':
      return 'waiting: earlier message to this person';
    case 'window': {
      const zone = execution.windowTimezone ?? undefined;
      return `waiting: outside delivery window${until(false, zone ?? timeZone)}${zone === undefined ? '' : ` (${zone})`}`;
    }
    case 'delay':
      return `waiting: delay after acceptance${until(true)}`;
  }
}
