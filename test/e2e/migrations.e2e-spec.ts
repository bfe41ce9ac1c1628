import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { DatabaseConfig, loadConfig } from '@gatehouse/config';
import { MIGRATIONS, dataSourceOptions, openDatabase } from '@gatehouse/persistence';

const mysqlUrl = /^mysql:/.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL! : null;

/**
 * Data written under an earlier schema, carried through the later migrations: what a running
 * installation sees when it upgrades. On SQLite always, on MySQL/MariaDB when DATABASE_URL
 * points there (in a database of its own, dropped afterwards).
 */
describe('migrations over existing data', () => {
  let db: DatabaseConfig;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    if (mysqlUrl) {
      const name = `gh_mig_${randomBytes(4).toString('hex')}`;
      const admin = await createConnection({ uri: mysqlUrl });
      await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await admin.end();
      const url = new URL(mysqlUrl);
      url.pathname = `/${name}`;
      db = { type: 'mysql', url: url.toString() };
      cleanup = async () => {
        const conn = await createConnection({ uri: mysqlUrl });
        await conn.query(`DROP DATABASE ${name}`);
        await conn.end();
      };
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-mig-'));
      db = loadConfig({ GATEHOUSE_DATA_DIR: dir }).database;
      cleanup = () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true }));
    }
  });
  afterEach(() => cleanup());

  /** Opens the database at the schema of the first `count` migrations. */
  async function atMigration(count: number): Promise<DataSource> {
    const flavour = mysqlUrl ? ((await isMariaDb()) ? 'mariadb' : 'mysql') : 'mysql';
    const ds = new DataSource({ ...dataSourceOptions(db, flavour), migrations: MIGRATIONS.slice(0, count) });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    return ds;
  }

  async function isMariaDb(): Promise<boolean> {
    const conn = await createConnection({ uri: mysqlUrl! });
    const [rows] = await conn.query('SELECT VERSION() AS v');
    await conn.end();
    return /mariadb/i.test(String((rows as { v: string }[])[0].v));
  }

  (mysqlUrl ? it : it.skip)(
    'nodes starting together over an empty MySQL database migrate it once (a named lock)',
    async () => {
      const opened = await Promise.allSettled([1, 2, 3].map(() => openDatabase(db)));
      const failures = opened.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
      for (const r of opened) if (r.status === 'fulfilled') await r.value.destroy();
      expect(failures).toEqual([]);
    },
  );

  it('security review (3rd migration): hints of custom and imported secrets erased, externalId namespaces, log counts', async () => {
    const old = await atMigration(2);
    const now = Date.now();
    const account = (id: string, parentId: string | null, externalId: string | null) =>
      old.query(
        'INSERT INTO accounts (id, kind, parent_id, tenant_id, name, external_id, external_key, status, created_at, updated_at) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [id, parentId ? 'sub' : 'master', parentId, parentId ?? id, id, externalId, externalId, 'active', now, now],
      );
    await account('m1', null, 'crm-1');
    await account('s1', 'm1', 'crm-2');
    const credential = async (id: string, hint: string, hash: string, graceHash?: string) => {
      await old.query(
        'INSERT INTO credentials (id, account_id, tenant_id, channel, name, username, enabled, expires_at, allowed_cidrs, ' +
          'postback_url, postback_salt, off_the_record, scope, secret_hint, created_at, updated_at, rotated_at, last_used_at) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?, ?, ?, ?, ?, NULL, NULL)',
        [id, 'm1', 'm1', 'ftp', id, `user-${id}`, 1, '[]', 'salt', 0, 'all', hint, now, now],
      );
      await old.query(
        'INSERT INTO credential_secrets (id, credential_id, hash, lookup_key, expires_at, created_at) VALUES (?, ?, ?, NULL, NULL, ?)',
        [`${id}-s`, id, hash, now],
      );
      if (graceHash) {
        await old.query(
          'INSERT INTO credential_secrets (id, credential_id, hash, lookup_key, expires_at, created_at) VALUES (?, ?, ?, NULL, ?, ?)',
          [`${id}-g`, id, graceHash, now + 60_000, now],
        );
      }
    };
    await credential('generated', 'abcd', 'hmac-sha256$00');
    await credential('custom', 'word', 'bcrypt-hmac$$2b$04$xxxxxxxxxxxxxxxxxxxxxuxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    await credential('imported', '', '$2y$04$xxxxxxxxxxxxxxxxxxxxxuxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    // rotated from a generated secret to a custom one, the old one still in grace: no hint
    await credential(
      'rotated',
      'ssap',
      'bcrypt-hmac$$2b$04$yyyyyyyyyyyyyyyyyyyyyuyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',
      'hmac-sha256$11',
    );
    await old.query(
      'INSERT INTO request_log (id, at, channel, credential_id, account_id, tenant_id, username, peer, operation, outcome, status, duration_ms) ' +
        "VALUES ('r1', ?, 'ftp', NULL, NULL, NULL, NULL, '192.0.2.1', 'ftp.login', 'banned', '421', 0)",
      [now],
    );
    await old.destroy();

    const upgraded = await openDatabase(db);
    try {
      const hints = await upgraded.query<{ id: string; secret_hint: string | null }[]>(
        'SELECT id, secret_hint FROM credentials ORDER BY id',
      );
      expect(Object.fromEntries(hints.map((r) => [r.id, r.secret_hint]))).toEqual({
        custom: null,
        generated: 'abcd',
        imported: null,
        rotated: null,
      });
      const namespaces = await upgraded.query<{ id: string; external_ns: string }[]>(
        'SELECT id, external_ns FROM accounts ORDER BY id',
      );
      expect(namespaces.map((r) => [r.id, r.external_ns])).toEqual([
        ['m1', ''],
        ['s1', 'm1'],
      ]);
      const counts = await upgraded.query<{ count: number | string }[]>('SELECT count FROM request_log');
      expect(counts.map((r) => Number(r.count))).toEqual([1]);
      // The new namespace rule holds in the schema itself: the same id under another master is fine.
      await upgraded.query(
        'INSERT INTO accounts (id, kind, parent_id, tenant_id, name, external_id, external_key, external_ns, status, created_at, updated_at) ' +
          "VALUES ('m2', 'master', NULL, 'm2', 'm2', 'crm-2', 'crm-2', '', 'active', 0, 0)",
      );
      await expect(
        upgraded.query(
          'INSERT INTO accounts (id, kind, parent_id, tenant_id, name, external_id, external_key, external_ns, status, created_at, updated_at) ' +
            "VALUES ('m3', 'master', NULL, 'm3', 'm3', 'crm-1', 'crm-1', '', 'active', 0, 0)",
        ),
      ).rejects.toThrow(/UNIQUE|Duplicate/i);
    } finally {
      await upgraded.destroy();
    }
  }, 30_000);
});
