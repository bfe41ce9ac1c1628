import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApp } from '../support/test-app';

/**
 * These start with the pepper generated into the data dir, so they run on an SQLite file of their
 * own whatever DATABASE_URL says: the shared MySQL test database keeps the tests' one pepper.
 */
const sqliteIn = (dataDir: string) => ({ DATABASE_URL: `sqlite:${path.join(dataDir, 'gatehouse.sqlite')}` });
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** Security review, item 10: the data dir holds message bodies and hashes; only its owner reads it. */
describe('data dir permissions', () => {
  let parent: string;
  beforeEach(() => (parent = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-perm-'))));
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('a new data dir is created 0700 and every file in it 0600, whatever the umask', async () => {
    const dataDir = path.join(parent, 'data');
    const umask = process.umask(0o022); // the usual default, under which files are born 0644
    try {
      const t = await startTestApp({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_PEPPER: '', ...sqliteIn(dataDir) });
      try {
        await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name: 'files' }).expect(201);
        expect(modeOf(dataDir)).toBe(0o700);
        const files = fs.readdirSync(dataDir);
        expect(files).toContain('pepper');
        expect(files).toEqual(expect.arrayContaining(['gatehouse.sqlite', 'gatehouse.sqlite-wal']));
        for (const file of files)
          expect({ file, mode: modeOf(path.join(dataDir, file)) }).toEqual({ file, mode: 0o600 });
      } finally {
        await t.close({ keepDataDir: true });
      }
    } finally {
      process.umask(umask);
    }
  });

  it('an existing world-readable data dir and its files are tightened at start', async () => {
    const dataDir = path.join(parent, 'old');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    fs.writeFileSync(path.join(dataDir, 'pepper'), 'p'.repeat(40) + '\n', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'pepper'), 0o644);
    fs.writeFileSync(path.join(dataDir, 'gatehouse.sqlite'), '', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'gatehouse.sqlite'), 0o644);
    const t = await startTestApp({ GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_PEPPER: '', ...sqliteIn(dataDir) });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(path.join(dataDir, 'pepper'))).toBe(0o600);
      expect(modeOf(path.join(dataDir, 'gatehouse.sqlite'))).toBe(0o600);
    } finally {
      await t.close({ keepDataDir: true });
    }
  });
});
