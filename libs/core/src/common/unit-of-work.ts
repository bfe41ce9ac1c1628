/** Runs work atomically: every repository call inside `transaction` joins one database transaction. */
export interface UnitOfWork {
  transaction<T>(work: () => Promise<T>): Promise<T>;
}
export const UNIT_OF_WORK = Symbol('UnitOfWork');
