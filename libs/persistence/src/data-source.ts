import { createConnection } from 'mysql2/promise';
import { DataSource, DataSourceOptions } from 'typeorm';
import { DatabaseConfig, ensurePrivateFile, tightenIfPresent } from '@gatehouse/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface OpenDatabaseOptions {
  /**
   * How long SQLite waits for a lock another process holds (default 5000 ms, which lets a restart
   * overlap the old process's exit). A tool that must fail fast next to a running server, such as
   * `gatehouse migrate`, sets it short.
   */
  sqliteBusyTimeoutMs?: number;
}

/** The SQLite file is locked by another process (a running server holds it exclusively). */
export class SqliteBusyError extends Error {
  constructor(readonly path: string) {
    super(
      `${path} is held by another process: an SQLite database serves one Gatehouse process ` +
        '(stop the other one, or use DATABASE_URL=mysql://… for several nodes)',
    );
    this.name = 'SqliteBusyError';
  }
}

export function dataSourceOptions(
  db: DatabaseConfig,
  flavour: 'mysql' | 'mariadb' = 'mysql',
  options: OpenDatabaseOptions = {},
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (db.type === 'sqlite') {
    // Born 0600 in a 0700 dir: SQLite gives its -wal and -shm files the database file's mode.
    if (db.path !== ':memory:') ensurePrivateFile(db.path);
    const busyTimeoutMs = Math.trunc(options.sqliteBusyTimeoutMs ?? 5000);
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      prepareDatabase: (conn: { pragma(sql: string): unknown }) => {
        // One process owns the file (several nodes need MySQL). Exclusive locking keeps the WAL
        // index in process memory and takes the file locks once, instead of two fcntl calls
        // around every statement: a primary-key read drops from about 8 µs to 3 µs.
        conn.pragma(`busy_timeout = ${busyTimeoutMs}`); // first: a restart may overlap the old process's exit
        conn.pragma('locking_mode = EXCLUSIVE');
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        // The request log writes pages all the time; with SQLite's 2 MB default cache they pushed
        // the hot pages (keys, submissions) out, and every read paid a pread. 64 MB of cache and
        // memory-mapped reads keep a primary-key read in memory.
        conn.pragma('cache_size = -65536');
        conn.pragma('mmap_size = 268435456');
      },
    };
  }
  return {
    ...common,
    type: flavour,
    url: db.url,
    charset: 'utf8mb4',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    poolSize: 20,
  };
}

/**
 * `mysql://` URLs serve MySQL and MariaDB alike; TypeORM reads MariaDB's catalog correctly only
 * when told it is MariaDB, so ask the server once before opening the pool.
 */
async function serverFlavour(url: string): Promise<'mysql' | 'mariadb'> {
  const conn = await createConnection({ uri: url, connectTimeout: 10_000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS version');
    return /mariadb/i.test(String((rows as { version: string }[])[0]?.version)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(db: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<DataSource> {
  const flavour = db.type === 'mysql' ? await serverFlavour(db.url) : 'mysql';
  const dataSource = new DataSource(dataSourceOptions(db, flavour, options));
  try {
    await dataSource.initialize();
    await withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
    if (db.type === 'sqlite' && db.path !== ':memory:') tightenIfPresent([`${db.path}-wal`, `${db.path}-shm`]);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    if (db.type === 'sqlite' && (err as { code?: string }).code === 'SQLITE_BUSY') throw new SqliteBusyError(db.path);
    throw err;
  }
  return dataSource;
}

/**
 * Nodes starting together over one empty MySQL database would each run the migrations; a named
 * lock lets the first one migrate while the others wait, then find nothing left to do. SQLite
 * serves one process and needs none.
 */
async function withMigrationLock<T>(dataSource: DataSource, run: () => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'better-sqlite3') return run();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [row] = (await runner.query("SELECT GET_LOCK('gatehouse_migrations', 120) AS got")) as { got: number }[];
    if (Number(row?.got) !== 1) throw new Error('another node held the migration lock for 120 s');
    try {
      return await run();
    } finally {
      await runner.query("SELECT RELEASE_LOCK('gatehouse_migrations')");
    }
  } finally {
    await runner.release();
  }
}

/** SQL the ORM would run to make the database match the entities; empty when there is no drift. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
