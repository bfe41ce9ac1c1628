import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { openDatabase, pendingSchemaChanges } from '@gatehouse/persistence';

/** Entities and migrations agree on whichever database this run uses (SQLite, or DATABASE_URL's MySQL/MariaDB). */
describe('schema drift', () => {
  it('the migrated schema is exactly what the entities describe', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-drift-'));
    const url = process.env.DATABASE_URL;
    const config = loadConfig({ GATEHOUSE_DATA_DIR: tmp, ...(url ? { DATABASE_URL: url } : {}) });
    const ds = await openDatabase(config.database);
    try {
      expect(await pendingSchemaChanges(ds)).toEqual([]);
    } finally {
      await ds.destroy();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
