import 'reflect-metadata'; // the entities' decorators
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigError, DatabaseConfig, GatehouseConfig, loadConfig } from '@gatehouse/config';
// The data source alone: the persistence index would load NestJS and the whole domain too.
import { SqliteBusyError, openDatabase } from '@gatehouse/persistence/data-source';
import { CliError, ExitCode, UsageError } from '../exit-codes';

/**
 * How long SQLite waits for its lock. A running server holds the file with locking_mode=EXCLUSIVE
 * until it stops, so waiting the server's 5 s would only delay the refusal.
 */
const SQLITE_BUSY_TIMEOUT_MS = 1000;

/** The server's configuration from the same environment (a bad variable is a usage error). */
export function serverConfig(env: NodeJS.ProcessEnv): GatehouseConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`error: ${err.message}`);
    throw err;
  }
}

/** Opens (and migrates) the database; a SQLite file a running server holds is refused within a second. */
export async function openConfiguredDatabase(db: DatabaseConfig): Promise<DataSource> {
  try {
    return await openDatabase(db, { sqliteBusyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS });
  } catch (err) {
    if (err instanceof SqliteBusyError) {
      throw new CliError(
        ExitCode.refused,
        `error: the SQLite database ${location(db)} is in use by a running Gatehouse server: stop it first ` +
          '(or use DATABASE_URL=mysql://… to migrate while nodes run)',
      );
    }
    throw new CliError(
      ExitCode.refused,
      `error: cannot open the database (${db.type} ${location(db)}): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Where the database is, for messages: a SQLite path (relative when under the working dir), or MySQL's host/db (never its password). */
export function location(db: DatabaseConfig): string {
  if (db.type === 'sqlite') {
    if (db.path === ':memory:') return db.path;
    const relative = path.relative(process.cwd(), db.path);
    return relative.startsWith('..') || path.isAbsolute(relative) ? db.path : `./${relative}`;
  }
  try {
    const url = new URL(db.url);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'mysql';
  }
}
