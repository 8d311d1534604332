import { effect } from '@angular/core';
import type { ExecutionStatus } from '@triggerline/contracts';

/** While executions on screen are still in flight, their view reloads this often. */
const LIVE_REFRESH_MS = 2000;

/** Statuses that will still change without an operator. */
export function isInFlight(status: ExecutionStatus): boolean {
  return status === 'pending' || status === 'running' || status === 'failed_retryable';
}

/** Reloads `resource` every 2 s while any of `shown()` is in flight (call in a constructor). */
export function refreshWhileInFlight(
  shown: () => readonly { status: ExecutionStatus }[],
  resource: { reload(): unknown },
): void {
  effect((onCleanup) => {
    if (!shown().some((execution) => isInFlight(execution.status))) {
      return;
    }
    const timer = setTimeout(() => resource.reload(), LIVE_REFRESH_MS);
    onCleanup(() => clearTimeout(timer));
  });
}
