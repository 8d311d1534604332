import type { DeadLetterResolution } from '@triggerline/contracts';

export const RESOLUTION_LABELS: Record<DeadLetterResolution, string> = {
  replayed: 'Replayed',
  ignored: 'Ignored',
  handled_by_script: 'Handled by script',
  handler_failed: 'Handler failed',
};
