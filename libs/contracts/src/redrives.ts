// Redrives: bulk replays of dead letters run as background tasks (SPEC §11).
import type { ErrorCategory, Page } from './index';

export const REDRIVE_STATUSES = ['running', 'done', 'cancelled'] as const;
export type RedriveStatus = (typeof REDRIVE_STATUSES)[number];

/** Replays per second when a redrive names no rate; gentle on a downstream that just recovered. */
export const DEFAULT_REDRIVE_RATE_PER_SECOND = 10;
export const MAX_REDRIVE_RATE_PER_SECOND = 1000;

/** Which unresolved dead letters; every filter given must match. */
export interface RedriveFilter {
  ids?: string[];
  triggerId?: string;
  errorCategory?: ErrorCategory;
  /** Dead-lettered at or after. */
  from?: string;
  /** Dead-lettered before. */
  to?: string;
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
  /** Unresolved dead letters matching the filter when the redrive was created. */
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
