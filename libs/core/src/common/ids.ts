import { v7 as uuidv7 } from 'uuid';

/** Opaque, time-ordered ids: creation order is id order, which makes cursors trivial. */
export function newId(): string {
  return uuidv7();
}

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
