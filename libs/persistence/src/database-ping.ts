import { TypeOrmUnitOfWork } from './unit-of-work.typeorm';

/**
 * One round trip to the database and nothing else, for readiness: on SQLite a cached prepared
 * statement (TypeORM's query runner cost ten times the query), on MySQL one pooled query.
 */
export class DatabasePing {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async ping(): Promise<void> {
    await this.uow.sql('SELECT 1');
  }
}
