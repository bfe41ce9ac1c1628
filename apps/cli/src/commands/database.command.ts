import { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes';
import type { CliDeps } from '../program';

/**
 * `migrate` and `root-token rotate` work on the database itself, not through the API, configured
 * from the environment exactly as the server is. Their modules (TypeORM, the drivers, the domain)
 * are loaded inside the actions, by relative import() (which a compiled build resolves too), so
 * the API commands start without them.
 */

export function registerDatabaseCommands(program: Command, deps: CliDeps): void {
  program
    .command('migrate')
    .description('bring the database up to date (SQLite: with the server stopped; MySQL/MariaDB: also while nodes run)')
    .action(async () => {
      const { location, openConfiguredDatabase, serverConfig } = await import('../database/open-database');
      const config = serverConfig(deps.env);
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
      const { location, openConfiguredDatabase, serverConfig } = await import('../database/open-database');
      const config = serverConfig(deps.env);
      const ds = await openConfiguredDatabase(config.database);
      let token: string;
      try {
        const { rotateRootToken } = await import('../database/rotate-root-token');
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
