import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, UnitOfWork } from '@gatehouse/core';

/**
 * Transactions without passing managers around. On MySQL, `transaction` stores its
 * EntityManager in async-local storage and every repository asks `manager()` for the current
 * one. better-sqlite3 has a single connection, on which TypeORM would nest concurrent
 * transactions as savepoints of each other; on SQLite they therefore run one at a time.
 */
export class TypeOrmUnitOfWork implements UnitOfWork {
  private readonly storage = new AsyncLocalStorage<EntityManager>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sqlite: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  manager(): EntityManager {
    return this.storage.getStore() ?? this.dataSource.manager;
  }

  /** Runs `fn` outside the caller's transaction, so work it schedules cannot join that transaction. */
  detach(fn: () => void): void {
    this.storage.exit(fn);
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (!this.sqlite) {
      if (this.storage.getStore()) return work(); // already inside one: join it
      return this.dataSource.transaction((em) => this.storage.run(em, work)).catch(translateConflict);
    }
    // SQLite: one connection, so every query made while BEGIN is open runs inside it; no async
    // context is needed (on Node 20 AsyncLocalStorage taxes every promise of every request).
    // Transactions queue one behind the other; none of the services nests them.
    const run = () => this.dataSource.transaction(() => work()).catch(translateConflict);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Services check uniqueness before writing, but two concurrent requests can both pass the
 * check; the database's unique index then decides. The loser gets a 409, not a 500.
 */
function translateConflict(err: unknown): never {
  const code = (err as { driverError?: { code?: string } }).driverError?.code;
  if (code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    throw DomainError.conflict('conflict', 'a concurrent change conflicted with this one; retry the request');
  }
  throw err;
}
