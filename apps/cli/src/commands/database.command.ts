import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig, GatehouseConfig } from '@gatehouse/config';
import { CliError, ExitCode, UsageError } from '../exit-codes';
import type { CliDeps } from '../program';

/**
 * `migrate` and `root-token rotate` work on the database itself, not through the API, configured
 * from the environment exactly as the server is. Their modules (TypeORM, the drivers, the domain)
 * are loaded inside the actions, so the API commands start without them.
 */

/**
 * How long SQLite waits for its lock. A running server holds the file with locking_mode=EXCLUSIVE
 * until it stops, so waiting the server's 5 s would only delay the refusal.
 */
const SQLITE_BUSY_TIMEOUT_MS = 1000;

export function registerDatabaseCommands(program: Command, deps: CliDeps): void {
  program
    .command('migrate')
    .description('bring the database up to date (SQLite: with the server stopped; MySQL/MariaDB: also while nodes run)')
    .action(async () => {
      const config = await serverConfig(deps.env);
      const ds = await openConfiguredDatabase(config.database);
      try {
        const applied = await ds.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
        const result = {
          database: config.database.type,
          location: location(config.database),
          migrations: applied.length,
        };
        deps.out().result(result, (r) => {
          deps.out().line(`Database up to date (${r.database} ${r.location}); ${r.migrations} migrations applied.`);
        });
      } finally {
        await ds.destroy();
      }
    });

  const rootToken = program.command('root-token').description('the operator’s root token');
  rootToken
    .command('rotate')
    .description('replace the root token stored in the database with a new one, printed once')
    .action(async () => {
      if (deps.env.GATEHOUSE_ROOT_TOKEN) {
        throw new CliError(
          ExitCode.refused,
          'error: GATEHOUSE_ROOT_TOKEN is set: the root token is that variable’s value, not one stored in the database',
          [
            'hint: to change it, set a new GATEHOUSE_ROOT_TOKEN where the servers are configured and restart them;',
            'hint: to rotate the stored token instead, run this without GATEHOUSE_ROOT_TOKEN in the environment',
          ],
        );
      }
      const config = await serverConfig(deps.env);
      const ds = await openConfiguredDatabase(config.database);
      let token: string;
      try {
        token = await rotateRootToken(config, ds);
      } finally {
        await ds.destroy();
      }
      const where = `${config.database.type} ${location(config.database)}`;
      const after =
        config.database.type === 'sqlite'
          ? 'The server uses it from its next start; the old token no longer works.'
          : 'Running nodes accept it within 5 seconds, and stop accepting the old one.';
      deps.out().result({ rootToken: token }, () => {
        deps.out().secret('New root token', token);
        deps.out().line(`Stored in the database (${where}). ${after}`);
      });
      if (deps.out().json) deps.out().note(after);
    });
}

/** The server's configuration from the same environment (a bad variable is a usage error). */
async function serverConfig(env: NodeJS.ProcessEnv): Promise<GatehouseConfig> {
  const { ConfigError, loadConfig } = await import('@gatehouse/config');
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`error: ${err.message}`);
    throw err;
  }
}

/** Opens (and migrates) the database; a SQLite file a running server holds is refused within a second. */
async function openConfiguredDatabase(db: DatabaseConfig): Promise<DataSource> {
  await import('reflect-metadata'); // the entities' decorators
  // The data source alone: the persistence index would load NestJS and the whole domain too.
  const { SqliteBusyError, openDatabase } = await import('@gatehouse/persistence/data-source');
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

/**
 * A new root token, made and stored as the server makes its first one, keyed by the same pepper
 * the server loads (GATEHOUSE_PEPPER, else the data dir's pepper file). The pepper is checked
 * against the marker the database keeps, so a token keyed by another pepper is never stored.
 */
async function rotateRootToken(config: GatehouseConfig, ds: DataSource): Promise<string> {
  const { PepperAgreement, PepperMismatchError, SecretHasher, rotateStoredRootToken } = await import('@gatehouse/core');
  const { TypeOrmUnitOfWork } = await import('@gatehouse/persistence');
  const { TypeOrmSettingsRepository } =
    await import('@gatehouse/persistence/repositories/admin-token.typeorm-repository');
  const { resolvePepper } = await import('@gatehouse/platform/secrets/pepper');
  const settings = new TypeOrmSettingsRepository(new TypeOrmUnitOfWork(ds));
  const pepperFile = path.join(config.dataDir, 'pepper');
  if (!config.pepper && !fs.existsSync(pepperFile) && (await PepperAgreement.recorded(settings))) {
    // A server has run on this database with a pepper this environment does not have: a pepper
    // made up here would key a token no node can check.
    throw new CliError(
      ExitCode.refused,
      `error: no pepper: GATEHOUSE_PEPPER is not set and ${pepperFile} does not exist, but a server has run on this database`,
      ['hint: run this with the servers’ GATEHOUSE_PEPPER, or GATEHOUSE_DATA_DIR set to the server’s data dir'],
    );
  }
  // Only the HMAC (lookupKey) is used here; the cost merely sizes a bcrypt dummy the hasher makes in the background.
  const hasher = new SecretHasher(resolvePepper(config), 4);
  try {
    await new PepperAgreement(settings, hasher).check();
  } catch (err) {
    if (err instanceof PepperMismatchError) throw new CliError(ExitCode.refused, `error: ${err.message}`);
    throw err;
  }
  return rotateStoredRootToken(settings, hasher);
}

/** Where the database is, for messages: a SQLite path (relative when under the working dir), or MySQL's host/db (never its password). */
function location(db: DatabaseConfig): string {
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
