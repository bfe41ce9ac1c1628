import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@gatehouse/config';
import { openDatabase } from '@gatehouse/persistence';

const onMysql = /^mysql:/.test(process.env.DATABASE_URL ?? '');

/** The embedded database is opened exclusively: one Gatehouse process per SQLite file. */
(onMysql ? describe.skip : describe)('SQLite database file', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-sqlite-'))));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('a second opener is refused with a message that says why, and the owner keeps working', async () => {
    const config = loadConfig({ GATEHOUSE_DATA_DIR: dataDir });
    const owner = await openDatabase(config.database);
    try {
      await expect(openDatabase(config.database)).rejects.toThrow(
        /gatehouse\.sqlite is held by another process: an SQLite database serves one Gatehouse process/,
      );
      await expect(owner.query('SELECT COUNT(*) AS n FROM accounts')).resolves.toEqual([{ n: 0 }]);
    } finally {
      await owner.destroy();
    }
    // Once the owner closes, the file opens again (a restart on the same data dir).
    const next = await openDatabase(config.database);
    await next.destroy();
  }, 20_000);
});
