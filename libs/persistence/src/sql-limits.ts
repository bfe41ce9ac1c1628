/**
 * Most ids bound in one statement's `IN (...)` list. SQLite caps the bound variables of a
 * statement (999 before 3.32), and one huge statement holds the single connection (and the
 * event loop, better-sqlite3 being synchronous) for its whole run. Repositories that take an
 * id list of any length split it with `chunked`; callers never need to know.
 */
export const MAX_BOUND_IDS = 500;

/** `items` in consecutive slices of at most `size`; no slice for an empty list. */
export function chunked<T>(items: readonly T[], size = MAX_BOUND_IDS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
