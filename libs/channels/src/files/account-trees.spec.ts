import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newId } from '@gatehouse/core';
import { FsAccountTrees, MAX_BATCH_NAME_BYTES, WORK_DIR, assertSameFolder } from './account-trees';
import { PathRefusal, PathRefused, TreeAccess } from './file-channel';

describe('FsAccountTrees', () => {
  let dataDir: string;
  let trees: FsAccountTrees;
  let account: string;
  let root: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-trees-'));
    trees = new FsAccountTrees({ dataDir });
    account = newId();
    root = await trees.ensure(account);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** The refusal a resolve ends in, or 'ok'. */
  async function outcome(p: string, access: TreeAccess, cwd?: string): Promise<PathRefusal | 'ok'> {
    try {
      await trees.resolve(account, p, access, cwd);
      return 'ok';
    } catch (err) {
      if (err instanceof PathRefused) return err.refusal;
      throw err;
    }
  }
  const put = (rel: string, content = 'x') => fs.writeFileSync(path.join(root, rel), content);
  const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

  it('creates one tree per account with the three folders, 0700', () => {
    expect(root).toBe(path.join(dataDir, 'trees', account));
    expect(fs.readdirSync(root).sort()).toEqual(['outbox', 'processed', 'reports']);
    for (const dir of [
      path.join(dataDir, 'trees'),
      root,
      ...['outbox', 'reports', 'processed'].map((f) => path.join(root, f)),
    ])
      expect(modeOf(dir)).toBe(0o700);
  });

  it('makes a tree removed while running again on its next use', async () => {
    await trees.resolve(account, '/', 'list');
    fs.rmSync(root, { recursive: true });
    await expect(trees.resolve(account, '/outbox', 'list')).resolves.toMatchObject({ virtual: '/outbox' });
    expect(fs.readdirSync(root).sort()).toEqual(['outbox', 'processed', 'reports']);
  });

  it('refuses an account id that is not an id (it would be a path)', async () => {
    await expect(trees.ensure('../x')).rejects.toThrow('account id expected');
    await expect(trees.resolve('..', '/', 'list')).rejects.toThrow('account id expected');
  });

  it('normalises paths POSIX-style against the working directory', async () => {
    put('outbox/a.csv');
    await expect(trees.resolve(account, 'a.csv', 'read', '/outbox')).resolves.toEqual({
      virtual: '/outbox/a.csv',
      real: path.join(root, 'outbox', 'a.csv'),
      folder: 'outbox',
    });
    await expect(trees.resolve(account, '//outbox/./x/../a.csv', 'read')).resolves.toMatchObject({
      virtual: '/outbox/a.csv',
    });
    await expect(trees.resolve(account, '../reports', 'list', '/outbox')).resolves.toMatchObject({
      virtual: '/reports',
      folder: 'reports',
    });
    await expect(trees.resolve(account, '/', 'list')).resolves.toEqual({ virtual: '/', real: root, folder: null });
  });

  describe('escapes', () => {
    it.each([
      ['..', '/'],
      ['../..', '/'],
      ['../../etc/passwd', '/outbox'],
      ['/outbox/../../etc/passwd', '/'],
      ['/../outbox', '/'],
      ['x/../../..', '/outbox'],
    ])('%s (cwd %s) is outside_tree, not clamped to the root', async (p, cwd) => {
      expect(await outcome(p, 'list', cwd)).toBe('outside_tree');
      expect(await outcome(p, 'write', cwd)).toBe('outside_tree');
    });

    it.each([
      ['\\..\\', 'backslash traversal (CVE-2020-26299)'],
      ['/outbox\\..\\x', 'backslash inside a name'],
      ['..\\..\\etc\\passwd', 'Windows-style relative'],
      ['/outbox/a\u0000.csv', 'NUL'],
      ['/outbox/a\n.csv', 'newline'],
      ['/outbox/a\u007f', 'DEL'],
      ['/outbox/a\u0085', 'C1 control'],
      ['/outbox/\uFFFD.csv', 'U+FFFD (undecodable or overlong UTF-8)'],
      ['/outbox/\uD800x', 'lone surrogate'],
      [`/outbox/${'a'.repeat(256)}`, 'component over 255 bytes'],
      [`/outbox/${'é'.repeat(128)}`, 'component over 255 bytes of UTF-8'],
      [`/outbox/${'a/'.repeat(2100)}`, 'path over 4096 bytes'],
    ])('%j is invalid_name (%s)', async (p) => {
      expect(await outcome(p, 'read')).toBe('invalid_name');
      expect(await outcome(p, 'write')).toBe('invalid_name');
    });

    it('checks the working directory as strictly as the path', async () => {
      expect(await outcome('x', 'read', '/outbox\\..')).toBe('invalid_name');
      expect(await outcome('x', 'read', 'outbox')).toBe('invalid_name');
      expect(await outcome('x', 'read', '/../..')).toBe('outside_tree');
    });

    it('takes percent signs literally: %2e%2e is a name inside the tree', async () => {
      expect(await outcome('%2e%2e/%2e%2e/etc/passwd', 'read')).toBe('not_found');
      await expect(trees.resolve(account, '/outbox/%2e%2e', 'write')).resolves.toEqual({
        virtual: '/outbox/%2e%2e',
        real: path.join(root, 'outbox', '%2e%2e'),
        folder: 'outbox',
      });
      await expect(trees.resolve(account, '%2E%2E%2F', 'write', '/outbox')).resolves.toMatchObject({
        virtual: '/outbox/%2E%2E%2F',
      });
    });

    it('resolves host-absolute paths inside the tree: /etc/passwd is not there', async () => {
      expect(await outcome('/etc/passwd', 'read')).toBe('not_found');
      expect(await outcome('/etc/passwd', 'list')).toBe('not_found');
      expect(await outcome('/etc/passwd', 'write')).toBe('not_allowed');
      expect(await outcome('/etc/passwd', 'delete')).toBe('not_allowed');
      expect(await outcome(path.join(root, 'outbox', 'a.csv'), 'write')).toBe('not_allowed');
    });

    it('refuses a symlink planted in the tree as a directory component', async () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-outside-'));
      try {
        fs.writeFileSync(path.join(outside, 'secret'), 'secret');
        fs.symlinkSync(outside, path.join(root, 'reports', 'link'));
        expect(await outcome('/reports/link/secret', 'read')).toBe('outside_tree');
        expect(await outcome('/reports/link', 'list')).toBe('outside_tree');
        // A top folder replaced by a link: even writing into it is refused.
        fs.rmSync(path.join(root, 'outbox'), { recursive: true });
        fs.symlinkSync(outside, path.join(root, 'outbox'));
        expect(await outcome('/outbox/secret', 'read')).toBe('outside_tree');
        expect(await outcome('/outbox/new.csv', 'write')).toBe('outside_tree');
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });

    it('refuses a symlink planted as the final file, even one pointing inside the tree', async () => {
      fs.symlinkSync('/etc/passwd', path.join(root, 'processed', 'passwd'));
      put('outbox/real.csv');
      fs.symlinkSync(path.join(root, 'outbox', 'real.csv'), path.join(root, 'outbox', 'alias.csv'));
      expect(await outcome('/processed/passwd', 'read')).toBe('outside_tree');
      expect(await outcome('/processed/passwd', 'delete')).toBe('outside_tree');
      expect(await outcome('/outbox/alias.csv', 'read')).toBe('outside_tree');
      expect(await outcome('/outbox/alias.csv', 'write')).toBe('outside_tree');
    });

    it('refuses a tree root that is itself a symlink', async () => {
      const other = newId();
      fs.symlinkSync('/etc', path.join(dataDir, 'trees', other));
      await expect(trees.resolve(other, '/', 'list')).rejects.toMatchObject({ refusal: 'outside_tree' });
    });

    it('never reaches the work dir (uploads in progress, claimed batches)', async () => {
      trees.ensureWork(account);
      const work = trees.workOf(account);
      expect(work.startsWith(root + path.sep)).toBe(false);
      expect(path.relative(root, work)).toBe(path.join('..', WORK_DIR, account));
      expect(await outcome(`../${WORK_DIR}/${account}/claims`, 'list')).toBe('outside_tree');
      expect(await outcome(`/${WORK_DIR}`, 'list')).toBe('not_found');
      expect(await outcome(`/outbox/../../${WORK_DIR}`, 'list')).toBe('outside_tree');
    });

    it('keeps accounts apart', async () => {
      const other = newId();
      await trees.ensure(other);
      fs.writeFileSync(path.join(dataDir, 'trees', other, 'outbox', 'theirs.csv'), 'x');
      expect(await outcome(`../${other}/outbox/theirs.csv`, 'read')).toBe('outside_tree');
      expect(await outcome('/outbox/theirs.csv', 'read')).toBe('not_found');
    });
  });

  describe('access rules', () => {
    it('list and read anywhere in the tree; missing is not_found', async () => {
      put('reports/r.csv');
      for (const p of ['/', '/outbox', '/reports', '/processed', '/reports/r.csv']) {
        expect(await outcome(p, 'list')).toBe('ok');
        expect(await outcome(p, 'read')).toBe('ok');
      }
      expect(await outcome('/reports/missing.csv', 'read')).toBe('not_found');
      expect(await outcome('/reports/r.csv/below', 'read')).toBe('not_found');
      expect(await outcome('/elsewhere', 'list')).toBe('not_found');
    });

    it('writes only a file directly in /outbox/, new or replacing one', async () => {
      expect(await outcome('/outbox/new.csv', 'write')).toBe('ok');
      put('outbox/old.txt');
      expect(await outcome('/outbox/old.txt', 'write')).toBe('ok');
      for (const p of ['/new.csv', '/reports/x.csv', '/processed/x.csv', '/outbox/sub/x.csv', '/outbox', '/'])
        expect({ p, r: await outcome(p, 'write') }).toEqual({ p, r: 'not_allowed' });
    });

    it('refuses . and .. as the name of a file to create', async () => {
      expect(await outcome('/outbox/..', 'write')).toBe('invalid_name');
      expect(await outcome('/outbox/.', 'write')).toBe('invalid_name');
      expect(await outcome('..', 'write', '/outbox')).toBe('invalid_name');
      expect(await outcome('/outbox/..', 'rename')).toBe('invalid_name');
    });

    it('limits batch file names so that their report name still fits', async () => {
      const name = 'b'.repeat(MAX_BATCH_NAME_BYTES - 4);
      expect(await outcome(`/outbox/${name}.csv`, 'write')).toBe('ok');
      expect(await outcome(`/outbox/${name}x.csv`, 'write')).toBe('invalid_name');
      expect(await outcome(`/outbox/${name}x.txt`, 'write')).toBe('ok');
    });

    it('makes no directories anywhere', async () => {
      for (const p of ['/outbox/sub', '/new', '/reports/x', '/outbox'])
        expect({ p, r: await outcome(p, 'mkdir') }).toEqual({ p, r: 'not_allowed' });
    });

    it('deletes files in the three folders, never the folders or the root', async () => {
      put('outbox/a.csv');
      put('reports/a.csv.report.csv');
      put('processed/a.csv');
      for (const p of ['/outbox/a.csv', '/reports/a.csv.report.csv', '/processed/a.csv'])
        expect(await outcome(p, 'delete')).toBe('ok');
      for (const p of ['/outbox', '/reports', '/processed', '/', '/outbox/', '/outbox/.'])
        expect({ p, r: await outcome(p, 'delete') }).toEqual({ p, r: 'not_allowed' });
      expect(await outcome('/outbox/missing.csv', 'delete')).toBe('not_found');
    });

    it('refuses a directory found directly in a folder for write and delete (not made through us)', async () => {
      fs.mkdirSync(path.join(root, 'outbox', 'planted'));
      expect(await outcome('/outbox/planted', 'write')).toBe('not_allowed');
      expect(await outcome('/outbox/planted', 'delete')).toBe('not_allowed');
      expect(await outcome('/outbox/planted', 'list')).toBe('ok');
    });

    it('renames within one folder only', async () => {
      put('outbox/a.tmp');
      const from = await trees.resolve(account, '/outbox/a.tmp', 'delete');
      const within = await trees.resolve(account, '/outbox/a.csv', 'rename');
      expect(() => assertSameFolder(from, within)).not.toThrow();
      const across = await trees.resolve(account, '/processed/a.csv', 'rename');
      expect(() => assertSameFolder(from, across)).toThrow(expect.objectContaining({ refusal: 'not_allowed' }));
      for (const p of ['/outbox', '/', '/outbox/sub/x', '/reports'])
        expect({ p, r: await outcome(p, 'rename') }).toEqual({ p, r: 'not_allowed' });
      expect(await outcome('/outbox/missing', 'delete')).toBe('not_found');
    });
  });
});
