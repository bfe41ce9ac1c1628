import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { FileSystem as StockFileSystem } from 'ftp-srv';
import { newId } from '@gatehouse/core';
import { FsAccountTrees } from '../files/account-trees';
import { AccountTrees, PathRefused, ResolvedPath, TreeAccess } from '../files/file-channel';
import { FtpFileError, JailedFileSystem, listLine } from './jailed-file-system';

const logger = new Logger('test');

describe('JailedFileSystem: every operation goes through AccountTrees.resolve first', () => {
  const refusing = (): jest.Mocked<AccountTrees> => ({
    ensure: jest.fn(),
    resolve: jest.fn((_account: string, clientPath: string, _access: TreeAccess, _cwd?: string) =>
      Promise.reject<ResolvedPath>(new PathRefused('outside_tree', clientPath)),
    ),
  });

  it('a refused path reaches no file system call, and is told 550 without a host path', async () => {
    const trees = refusing();
    const files = new JailedFileSystem(trees, 'acct', logger);
    const touched = ['lstat', 'readdir', 'open', 'unlink', 'rename'].map((name) =>
      jest.spyOn(fs.promises, name as 'lstat'),
    );
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['get', () => files.get('..\\..\\etc\\passwd')],
      ['list', () => files.list('../..')],
      ['chdir', () => files.chdir('../../etc')],
      ['openForRead', () => files.openForRead('/../etc/passwd')],
      ['delete', () => files.delete('../x')],
      ['rename', () => files.rename('../a', '../b')],
    ];
    for (const [name, attempt] of attempts) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect({ name, err }).toEqual({ name, err: expect.any(FtpFileError) });
      expect((err as FtpFileError).reply).toEqual({ code: 550, text: 'Permission denied.' });
    }
    expect(trees.resolve.mock.calls.map((c) => [c[0], c[3]])).toEqual(attempts.map(() => ['acct', '/']));
    for (const spy of touched) expect(spy).not.toHaveBeenCalled();
    for (const spy of touched) spy.mockRestore();
    expect(files.currentDirectory()).toBe('/');
  });

  it('is not ftp-srv’s FileSystem, and has none of its methods that write without the jail', () => {
    const files = new JailedFileSystem(refusing(), 'acct', logger) as unknown as Record<string, unknown>;
    expect(files).not.toBeInstanceOf(StockFileSystem);
    for (const method of ['mkdir', 'chmod', 'write', 'getUniqueName', '_resolvePath', 'read']) {
      expect({ method, present: method in files }).toEqual({ method, present: false });
    }
  });
});

describe('JailedFileSystem on a real tree', () => {
  let dataDir: string;
  let trees: FsAccountTrees;
  let files: JailedFileSystem;
  let root: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-jfs-'));
    trees = new FsAccountTrees({ dataDir });
    const account = newId();
    root = await trees.ensure(account);
    files = new JailedFileSystem(trees, account, logger);
    fs.writeFileSync(path.join(root, 'outbox', 'a.csv'), 'to,body\n');
    fs.writeFileSync(path.join(root, 'reports', 'r.csv'), 'report');
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: FtpFileError) => e.reply,
    );

  it('lists, reads and changes directory inside the tree, with no host uid or mode in listings', async () => {
    expect((await files.list('/')).map((e) => e.name)).toEqual(['outbox', 'processed', 'reports']);
    expect(await files.chdir('outbox')).toBe('/outbox');
    const [entry] = await files.list();
    expect(listLine(entry)).toMatch(/^-rw------- 1 ftp ftp {12}8 \w{3} \d\d \d\d:\d\d a\.csv$/);
    const read = await files.openForRead('a.csv');
    expect(read.size).toBe(8);
    await read.handle.close();
  });

  it('a symlink planted in the tree is neither followed nor read', async () => {
    fs.symlinkSync('/etc/passwd', path.join(root, 'outbox', 'passwd'));
    expect(await failure(files.openForRead('/outbox/passwd'))).toEqual({ code: 550, text: 'Permission denied.' });
    expect(await failure(files.get('/outbox/passwd'))).toEqual({ code: 550, text: 'Permission denied.' });
    expect((await files.list('/outbox')).map((e) => e.name)).toEqual(['a.csv']);
  });

  it('renames within a folder only, never over a file, never a folder itself', async () => {
    expect(await failure(files.rename('/outbox/a.csv', '/processed/a.csv'))).toEqual({
      code: 550,
      text: 'Permission denied.',
    });
    expect(await failure(files.rename('/outbox/a.csv', '/reports/r.csv'))).toEqual({
      code: 550,
      text: 'Permission denied.',
    });
    fs.writeFileSync(path.join(root, 'outbox', 'b.csv'), 'b');
    expect(await failure(files.rename('/outbox/a.csv', '/outbox/b.csv'))).toEqual({ code: 550, text: 'File exists.' });
    expect(await failure(files.rename('/outbox', '/reports'))).toEqual({ code: 550, text: 'Permission denied.' });
    await files.rename('/outbox/a.csv', '/outbox/c.csv');
    expect(fs.readdirSync(path.join(root, 'outbox')).sort()).toEqual(['b.csv', 'c.csv']);
  });

  it('deletes files, not folders; what is missing is 550 without the host path', async () => {
    expect(await failure(files.delete('/outbox'))).toEqual({ code: 550, text: 'Permission denied.' });
    const missing = await failure(files.openForRead('/outbox/none.csv'));
    expect(missing).toEqual({ code: 550, text: 'No such file or directory.' });
    expect(JSON.stringify(missing)).not.toContain(dataDir);
    await files.delete('/outbox/a.csv');
    expect(fs.readdirSync(path.join(root, 'outbox'))).toEqual([]);
  });
});
