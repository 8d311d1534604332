import type { DeliveryWindow } from '@triggerline/contracts';
import { nextWindowOpening } from './delivery-window';

/**
 * How long an execution whose ordering key is blocked waits before it is looked at again,
 * should no wake-up reach it (an erasure of its predecessor, say): completions, replays,
 * resolutions and confirmations wake it at once.
 */
export const ORDERING_RECHECK_MS = 5 * 60_000;

/** What a trigger's §15 delivery order asks of its due executions. */
export interface DeliveryOrder {
  window: DeliveryWindow | null;
  delayMs: number | null;
}

/**
 * `nextWindowOpening` of one window, remembered per instant: a claim deciding a thousand due
 * executions outside the window computes the opening once.
 */
export function windowOpenings(window: DeliveryWindow): (at: number) => number {
  const openings = new Map<number, number>();
  return (at) => {
    let opening = openings.get(at);
    if (opening === undefined) {
      opening = nextWindowOpening(window, at);
      openings.set(at, opening);
    }
    return opening;
  };
}

export type DeliveryHold = {
  heldBy: 'ordering' | 'delay' | 'window';
  /** When it is due again (epoch ms). */
  dueAt: number;
} | null;

/**
 * Whether a due execution may go on to flow control now or waits, and until when: for its
 * turn in its ordering key (`isOrderingBlocked`, decided by the database), for the trigger's
 * delay after acceptance, or for the delivery window's next opening (the opening after the
 * delay, when both apply). Waiting spends no attempt.
 */
export function decideDeliveryHold(input: {
  order: DeliveryOrder;
  /** The window's next opening at or after an instant; `nextWindowOpening` by default. */
  opening?: (at: number) => number;
  acceptedAt: number;
  isOrderingBlocked: boolean;
  now: number;
}): DeliveryHold {
  const { order, now } = input;
  if (input.isOrderingBlocked) {
    return { heldBy: 'ordering', dueAt: now + ORDERING_RECHECK_MS };
  }
  const delayEndsAt =
    order.delayMs === null ? now : Math.max(now, input.acceptedAt + order.delayMs);
  const opensAt =
    order.window === null ? delayEndsAt : nextWindowOpening(order.window, delayEndsAt);
  if (opensAt > delayEndsAt) {
    return { heldBy: 'window', dueAt: opensAt };
  }
  if (delayEndsAt > now) {
    return { heldBy: 'delay', dueAt: delayEndsAt };
  }
  return null;
}
