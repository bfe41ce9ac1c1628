import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from '@gatehouse/core';

/**
 * Transactions without passing managers around: `transaction` stores its EntityManager in
 * async-local storage and every repository asks `manager()` for the current one.
 *
 * better-sqlite3 has a single connection, on which TypeORM would nest concurrent
 * transactions as savepoints of each other; on SQLite they are therefore run one at a time.
 */
export class TypeOrmUnitOfWork implements UnitOfWork {
  private readonly storage = new AsyncLocalStorage<EntityManager>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  manager(): EntityManager {
    return this.storage.getStore() ?? this.dataSource.manager;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.storage.getStore()) return work(); // already inside one: join it
    const run = () => this.dataSource.transaction((em) => this.storage.run(em, work));
    if (this.dataSource.options.type !== 'better-sqlite3') return run();
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
