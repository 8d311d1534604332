import type { Circuit } from '@triggerline/contracts';

/** The circuit breaker's state in words, for the trigger list. */
export function circuitLabel(circuit: Circuit): string {
  switch (circuit.state) {
    case 'closed':
      return 'circuit closed';
    case 'open':
      return 'circuit open';
    case 'half_open':
      return 'circuit probing';
  }
}
