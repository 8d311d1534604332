import { RequestError } from './request.errors';

/** Position in a newest-first list: the last row's creation time (as PostgreSQL text) and id. */
export interface Cursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(value: string): Cursor {
  const [createdAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (
    rest.length > 0 ||
    id === undefined ||
    !UUID.test(id) ||
    Number.isNaN(Date.parse(createdAt))
  ) {
    throw new RequestError('validation_failed', 'cursor is invalid', ['cursor is invalid']);
  }
  return { createdAt, id };
}
