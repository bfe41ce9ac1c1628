import { EntityTarget, ObjectLiteral } from 'typeorm';
import { TypeOrmUnitOfWork } from './unit-of-work.typeorm';

/** Most bound values in one INSERT: inside SQLite's 32 766 and MySQL's 65 535. */
const MAX_VALUES = 8000;

/**
 * Many rows of one entity in multi-row INSERTs with plain `?` placeholders, the columns and
 * their transformers (timestamps, JSON) taken from the entity's metadata. For imports: the
 * ORM's own bulk insert names and re-parses every parameter, which cost more than the database
 * spent storing them. Runs in the caller's unit of work; on SQLite, statements of a full chunk
 * are prepared once and reused.
 */
export async function bulkInsert<T extends ObjectLiteral>(
  uow: TypeOrmUnitOfWork,
  target: EntityTarget<T>,
  rows: T[],
): Promise<void> {
  if (rows.length === 0) return;
  const manager = uow.manager();
  const metadata = manager.connection.getMetadata(target);
  const columns = metadata.columns.filter((c) => !c.isVirtual);
  const escape = (name: string) => manager.connection.driver.escape(name);
  const head = `INSERT INTO ${escape(metadata.tableName)} (${columns.map((c) => escape(c.databaseName)).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const perStatement = Math.max(1, Math.floor(MAX_VALUES / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    for (const row of chunk) {
      for (const column of columns) params.push(bindable(column.getEntityValue(row, true)));
    }
    await uow.sql(head + chunk.map(() => tuple).join(', '), params);
  }
}

/** better-sqlite3 binds no booleans or undefined; MySQL reads 1/0 for its booleans alike. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
