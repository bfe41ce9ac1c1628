import 'reflect-metadata';
import { loadConfig } from '@gatehouse/config';
import { openDatabase } from '@gatehouse/persistence';

/** `npm run migrate`: brings the configured database (DATABASE_URL or the SQLite default) up to date. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const ds = await openDatabase(config.database);
  const applied = await ds.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id`);
  process.stdout.write(`database up to date (${config.database.type}); migrations applied: ${applied.length}\n`);
  await ds.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
