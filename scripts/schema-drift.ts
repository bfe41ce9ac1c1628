import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { openDatabase, pendingSchemaChanges } from '@gatehouse/persistence';

/**
 * `npm run schema:drift`: migrates a database, then asks TypeORM what it would change to match
 * the entities. Anything at all means entities and migrations have drifted: exit 1 and print it.
 * Uses DATABASE_URL (MySQL/MariaDB) or a fresh SQLite file.
 */
async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-drift-'));
  const config = loadConfig({ GATEHOUSE_DATA_DIR: tmp, DATABASE_URL: process.env.DATABASE_URL });
  const ds = await openDatabase(config.database);
  const pending = await pendingSchemaChanges(ds);
  await ds.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (pending.length > 0) {
    process.stderr.write(
      `schema drift on ${config.database.type}: entities differ from migrations:\n  ${pending.join(';\n  ')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`no schema drift on ${config.database.type}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`schema drift check failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
