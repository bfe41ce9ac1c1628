import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, UnitOfWork } from '@gatehouse/core';

/**
 * Transactions without passing managers around. `transaction` keeps its EntityManager in
 * async-local storage; every repository asks `manager()` for the current one, and a
 * `transaction` called inside another one is a savepoint of it: its writes commit with the
 * outer transaction and roll back with it, and a nested failure rolls back only the nested
 * writes. better-sqlite3 has a single connection, on which TypeORM would nest *concurrent*
 * transactions as savepoints of each other; on SQLite unrelated transactions therefore queue,
 * while a nested one (same async context) joins the open one instead of waiting behind it.
 */
export class TypeOrmUnitOfWork implements UnitOfWork {
  private readonly storage = new AsyncLocalStorage<EntityManager>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sqlite: boolean;
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(private readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  manager(): EntityManager {
    return this.storage.getStore() ?? this.dataSource.manager;
  }

  /**
   * One SQL statement with `?` placeholders, for the per-request hot paths. On SQLite it runs
   * straight on better-sqlite3 with the prepared statement cached (TypeORM's query runner adds
   * logging hooks, events and result wrappers that cost as much as the statement); it is the
   * same single connection, so it joins an open transaction exactly as the ORM's queries do.
   * On MySQL it is the current manager's query. Returns the rows of a SELECT, [] otherwise.
   */
  async sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    if (!this.sqlite) {
      const result: unknown = await this.manager().query(text, params);
      return Array.isArray(result) ? (result as T[]) : [];
    }
    const statement = this.statement(text);
    if (!statement.reader) {
      statement.run(...params);
      return [];
    }
    return statement.all(...params) as T[];
  }

  private statement(text: string): SqliteStatement {
    let statement = this.statements.get(text);
    if (!statement) {
      const connection = (this.dataSource.driver as unknown as { databaseConnection: SqliteConnection })
        .databaseConnection;
      statement = connection.prepare(text);
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `fn` outside the caller's transaction, so work it schedules cannot join that transaction. */
  detach(fn: () => void): void {
    this.storage.exit(fn);
  }

  /** True inside `transaction` (in its async context). */
  inTransaction(): boolean {
    return this.storage.getStore() !== undefined;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    const open = this.storage.getStore();
    // Nested: a savepoint of the open transaction, on its connection.
    if (open) return open.transaction((em) => this.storage.run(em, work));
    const run = () => this.dataSource.transaction((em) => this.storage.run(em, work)).catch(translateConflict);
    if (!this.sqlite) return run();
    // SQLite: one connection, so unrelated transactions queue one behind the other.
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const MAX_CACHED_STATEMENTS = 500;

interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}

interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

/**
 * Services check uniqueness before writing, but two concurrent requests can both pass the
 * check; the database's unique index then decides. The loser gets a 409, not a 500.
 */
function translateConflict(err: unknown): never {
  // TypeORM wraps driver errors; `sql()` on SQLite throws better-sqlite3's own.
  const code =
    (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
  if (code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    throw DomainError.conflict('conflict', 'a concurrent change conflicted with this one; retry the request');
  }
  throw err;
}
