// Redrives: bulk replays of dead letters (SPEC §11), or of any executions (§18), run as
// background tasks.
import type { ErrorCategory, ExecutionStatus, Page } from './index';

/**
 * `dead_letters`: unresolved dead letters, each original marked `replayed`. `executions`:
 * executions of any status from history, copied as new executions (the originals untouched),
 * into their own trigger or `targetTriggerId`'s.
 */
export const REDRIVE_SOURCES = ['dead_letters', 'executions'] as const;
export type RedriveSource = (typeof REDRIVE_SOURCES)[number];

export const REDRIVE_STATUSES = ['running', 'done', 'cancelled'] as const;
export type RedriveStatus = (typeof REDRIVE_STATUSES)[number];

/** Replays per second when a redrive names no rate; gentle on a downstream that just recovered. */
export const DEFAULT_REDRIVE_RATE_PER_SECOND = 10;
export const MAX_REDRIVE_RATE_PER_SECOND = 1000;

/**
 * What is replayed; every filter given must match. `ids` and `errorCategory` go with the
 * `dead_letters` source only; `status`, `idempotencyKey` and `targetTriggerId` with
 * `executions` only.
 */
export interface RedriveFilter {
  /** Absent on redrives created before §18: dead letters. */
  source?: RedriveSource;
  ids?: string[];
  triggerId?: string;
  errorCategory?: ErrorCategory;
  /** Any status, `succeeded` included. */
  status?: ExecutionStatus;
  /** Exact key, replays included. */
  idempotencyKey?: string;
  /** Dead-lettered (dead letters) or created (executions) at or after. */
  from?: string;
  /** Dead-lettered or created before. */
  to?: string;
  /** Replay into this trigger instead of each execution's own. */
  targetTriggerId?: string;
}

/** `POST /api/redrives`. */
export interface CreateRedriveRequest extends RedriveFilter {
  ratePerSecond?: number;
}

export interface Redrive {
  id: string;
  // running    replaying, batch by batch, in whichever api process holds its lease
  // done       every matched dead letter was replayed or skipped
  // cancelled  stopped by an operator; what was replayed stays replayed
  status: RedriveStatus;
  /** Unresolved dead letters (or executions) matching the filter when it was created. */
  matched: number;
  replayed: number;
  /** Refused (cooling down) or resolved meanwhile. */
  skipped: number;
  ratePerSecond: number;
  filter: RedriveFilter;
  createdAt: string;
  finishedAt: string | null;
}

/** `GET /api/redrives`, newest first: `{ items, nextCursor }` like every list (§4). */
export type RedriveList = Page<Redrive>;
