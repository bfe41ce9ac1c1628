import { v7 as uuidv7 } from 'uuid';

/** Opaque, time-ordered ids: creation order is id order, which makes cursors trivial. */
export function newId(at?: Date): string {
  return at === undefined ? uuidv7() : uuidv7({ msecs: at.getTime() });
}

/**
 * The smallest id of a moment: every id made before `at` sorts below it (UUIDv7 starts with its
 * millisecond timestamp, and the text form sorts as the bytes do). Ranges by time then use the
 * primary key, with no index on a timestamp column.
 */
export function firstIdAt(at: Date): string {
  const hex = Math.max(0, Math.floor(at.getTime())).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
