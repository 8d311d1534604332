import type { Page } from '@triggerline/contracts';
import { RequestError } from './request.errors';

/**
 * Position in a list ordered by `rank` (optional leading sort key), then newest first: the
 * last row's rank, creation time (as PostgreSQL text, microseconds kept) and id.
 */
export interface Cursor {
  rank?: number;
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.rank ?? ''}|${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(value: string): Cursor {
  const [rank, createdAt, id, ...rest] = Buffer.from(value, 'base64url')
    .toString('utf8')
    .split('|');
  if (
    rest.length > 0 ||
    id === undefined ||
    !UUID.test(id) ||
    !/^\d*$/.test(rank) ||
    Number.isNaN(Date.parse(createdAt))
  ) {
    throw new RequestError('validation_failed', 'cursor is invalid', ['cursor is invalid']);
  }
  return { rank: rank === '' ? undefined : Number(rank), createdAt, id };
}

const DEFAULT_PAGE_SIZE = 50;

/** The page a list query asks for: its size, and the position after which it starts. */
export function pageRequest(query: { limit?: number; cursor?: string }): {
  limit: number;
  after?: Cursor;
} {
  return {
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
  };
}

/**
 * Turns the rows of a query run with `LIMIT limit + 1` into a page: the extra row only tells
 * that there is a next page, whose cursor is the last kept row's position.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  positionOf: (row: Row) => Cursor,
): Page<Item> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}
