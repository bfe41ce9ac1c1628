import { DomainError } from './domain-error';
import { isId } from './ids';

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  /** Return rows whose id is strictly greater than this one (ids are time-ordered). */
  afterId?: string;
  limit: number;
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** Cursors are opaque to clients: base64url of the last id of the previous page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isId(id)) throw DomainError.validation('cursor', 'is not a cursor returned by this API');
  return id;
}

export function pageRequest(cursor: string | undefined, limit: number | undefined): PageRequest {
  return { afterId: decodeCursor(cursor), limit: limit ?? DEFAULT_PAGE_LIMIT };
}

/** Repositories fetch limit+1 rows; this trims the extra row and derives the next cursor. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  return { data, nextCursor: hasMore ? encodeCursor(data[data.length - 1].id) : null };
}
