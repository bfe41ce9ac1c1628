import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig, ensurePrivateDir } from '@gatehouse/config';
import { isId } from '@gatehouse/core';
import { AccountTrees, PathRefused, ResolvedPath, TREE_FOLDERS, TreeAccess, TreeFolder } from './file-channel';

/** POSIX NAME_MAX and PATH_MAX, in bytes of UTF-8. */
export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 4096;
/**
 * Longest name of a batch file (`*.csv`) in /outbox/: its report is `<name>.report.csv`, and a
 * name already taken in /processed/ or /reports/ gets a `-<n>` suffix (n < 10000), both of which
 * must still fit in NAME_MAX.
 */
export const MAX_BATCH_NAME_BYTES = MAX_NAME_BYTES - '.report.csv'.length - '-9999'.length;

/**
 * Where the service keeps what clients must never reach: uploads in progress and claimed batch
 * files. Outside every jail (`<dataDir>/trees/.work/<accountId>/`) rather than hidden inside it,
 * so no client path can name it and no listing has to filter it; on the same file system as the
 * trees, so moving a file in or out is one atomic rename.
 */
export const WORK_DIR = '.work';

/** C0 controls (NUL among them), DEL and C1 controls. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
// A lone UTF-16 surrogate: not a character, cannot be written to a file name faithfully.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FOLDERS: readonly string[] = TREE_FOLDERS;

/**
 * The jailed trees of DESIGN.md §2 (`ftp` row), one per account at `<dataDir>/trees/<accountId>/`
 * with /outbox/, /reports/ and /processed/, shared by FTP, SFTP and every node that mounts the
 * data dir. Access rules:
 * - `list`, `read`: anywhere in the tree;
 * - `write`: a file directly in /outbox/ (a new one, or replacing one);
 * - `mkdir`: nowhere. The three folders are flat: no sub-directory can hide a batch from
 *   processing, and "directly in /outbox/" stays the one rule for uploads;
 * - `delete`: a file directly in one of the three folders; never a folder or the root;
 * - `rename`: resolve the source with `delete` (it must exist, and goes away from its name) and
 *   the destination with `rename` (a file name directly in a folder, may be missing); then
 *   `assertSameFolder(from, to)`: nothing moves between folders.
 * Symlinks are never followed (every existing component is checked with lstat) and none can be
 * made (no access creates one).
 */
@Injectable()
export class FsAccountTrees implements AccountTrees {
  private readonly treesDir: string;
  private readonly ensured = new Set<string>();

  constructor(@Inject(GATEHOUSE_CONFIG) config: Pick<GatehouseConfig, 'dataDir'>) {
    this.treesDir = path.join(config.dataDir, 'trees');
  }

  /** `<dataDir>/trees/`: every account's tree, and the service's work dir. */
  get root(): string {
    return this.treesDir;
  }

  /** The account's tree root (client `/`), whether it exists yet or not. */
  rootOf(accountId: string): string {
    return path.join(this.treesDir, checkAccountId(accountId));
  }

  /** The account's work dir, outside its tree (see WORK_DIR). */
  workOf(accountId: string): string {
    return path.join(this.treesDir, WORK_DIR, checkAccountId(accountId));
  }

  ensure(accountId: string): Promise<string> {
    try {
      const root = this.rootOf(accountId);
      // ensurePrivateDir creates 0700 whatever the umask, and tightens what exists already.
      ensurePrivateDir(this.treesDir);
      ensurePrivateDir(root);
      for (const folder of TREE_FOLDERS) ensurePrivateDir(path.join(root, folder));
      this.ensured.add(accountId);
      return Promise.resolve(root);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Removes the account's tree and work dir (the account was deleted: its files go with it, as
   * its credentials and submissions do). Missing ones are fine: the account may never have logged in.
   */
  async remove(accountId: string): Promise<void> {
    this.ensured.delete(accountId);
    await fs.promises.rm(this.rootOf(accountId), { recursive: true, force: true });
    await fs.promises.rm(this.workOf(accountId), { recursive: true, force: true });
  }

  /** The work dir with its `uploads/` and `claims/`, created 0700 when missing. */
  ensureWork(accountId: string): { uploads: string; claims: string } {
    const work = this.workOf(accountId);
    ensurePrivateDir(path.join(this.treesDir, WORK_DIR));
    const uploads = path.join(work, 'uploads');
    const claims = path.join(work, 'claims');
    ensurePrivateDir(uploads);
    ensurePrivateDir(claims);
    return { uploads, claims };
  }

  async resolve(accountId: string, clientPath: string, access: TreeAccess, cwd = '/'): Promise<ResolvedPath> {
    const parts = normalise(clientPath, cwd);
    const virtual = '/' + parts.join('/');
    checkAccess(parts, access, clientPath);

    let root = this.ensured.has(accountId) ? this.rootOf(accountId) : await this.ensure(accountId);
    const real = path.join(root, ...parts);
    let existing: number;
    try {
      existing = await lstatWalk(root, parts, clientPath);
    } catch (err) {
      if (!isCode(err, 'ENOENT')) throw err;
      // The tree was removed under us (by an operator): made again, as on first use.
      this.ensured.delete(accountId);
      root = await this.ensure(accountId);
      existing = await lstatWalk(root, parts, clientPath);
    }
    const exists = existing === parts.length;
    if (!exists && access !== 'write' && access !== 'rename') throw new PathRefused('not_found', clientPath);
    if (exists && parts.length === 2 && access !== 'list' && access !== 'read') {
      // What lives directly in a folder is a file: a directory there was not made through us.
      const stat = await fs.promises.lstat(real);
      if (!stat.isFile()) throw new PathRefused('not_allowed', clientPath);
    }

    // Defence in depth: whatever the checks above missed, the real path stays under the root.
    const rootReal = await fs.promises.realpath(root);
    const deepest = path.join(root, ...parts.slice(0, existing));
    const deepestReal = await fs.promises.realpath(deepest);
    if (deepestReal !== rootReal && !deepestReal.startsWith(rootReal + path.sep)) {
      throw new PathRefused('outside_tree', clientPath);
    }
    return { virtual, real, folder: parts.length > 0 ? (parts[0] as TreeFolder) : null };
  }
}

/** A rename moves a file within its folder only (both ends resolved first, see FsAccountTrees). */
export function assertSameFolder(from: ResolvedPath, to: ResolvedPath): void {
  if (from.folder === null || from.folder !== to.folder) throw new PathRefused('not_allowed', to.virtual);
}

function checkAccountId(accountId: string): string {
  // Account ids come from credentials, never from clients; anything else is a bug, not a path.
  if (!isId(accountId)) throw new Error('account id expected');
  return accountId;
}

/**
 * The client path as components below the tree root, resolved against `cwd`. Text is taken
 * literally: `%2e%2e` is a name, not `..`. `..` above the root is refused, not clamped, so a
 * client cannot probe for the jail's edge.
 */
function normalise(clientPath: string, cwd: string): string[] {
  const relative = !clientPath.startsWith('/');
  if (relative && (typeof cwd !== 'string' || !cwd.startsWith('/'))) throw new PathRefused('invalid_name', clientPath);
  const named = [...(relative ? components(cwd, clientPath) : []), ...components(clientPath, clientPath)];
  const parts: string[] = [];
  for (const part of named) {
    if (part === '..') {
      if (parts.length === 0) throw new PathRefused('outside_tree', clientPath);
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  if (Buffer.byteLength('/' + parts.join('/')) > MAX_PATH_BYTES) throw new PathRefused('invalid_name', clientPath);
  return parts;
}

/** Checked components of one path (`.` and empty ones dropped, `..` kept for the caller). */
function components(text: string, shown: string): string[] {
  if (typeof text !== 'string' || Buffer.byteLength(text) > MAX_PATH_BYTES) {
    throw new PathRefused('invalid_name', String(shown));
  }
  // Backslash: ftp-srv's CVE-2020-26299 (`\..\` resolved by Windows-style path handling).
  // U+FFFD: what protocol libraries decode undecodable bytes and overlong UTF-8 to.
  if (hasControl(text) || text.includes('\\') || text.includes('\uFFFD') || LONE_SURROGATE.test(text)) {
    throw new PathRefused('invalid_name', shown);
  }
  const parts = text.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => Buffer.byteLength(p) > MAX_NAME_BYTES)) throw new PathRefused('invalid_name', shown);
  return parts;
}

function checkAccess(parts: string[], access: TreeAccess, clientPath: string): void {
  const inFolder = parts.length >= 1 && FOLDERS.includes(parts[0]);
  const directlyInFolder = inFolder && parts.length === 2;
  // A name to create must be a name: `/outbox/..` is refused as such, not normalised to `/`.
  if (access === 'write' || access === 'rename' || access === 'mkdir') {
    const last = clientPath
      .split('/')
      .filter((p) => p !== '')
      .at(-1);
    if (last === '.' || last === '..') {
      throw new PathRefused(access === 'mkdir' ? 'not_allowed' : 'invalid_name', clientPath);
    }
  }
  switch (access) {
    case 'list':
    case 'read':
      return;
    case 'write':
      if (!(directlyInFolder && parts[0] === 'outbox')) throw new PathRefused('not_allowed', clientPath);
      if (/\.csv$/i.test(parts[1]) && Buffer.byteLength(parts[1]) > MAX_BATCH_NAME_BYTES) {
        throw new PathRefused('invalid_name', clientPath);
      }
      return;
    case 'mkdir':
      throw new PathRefused('not_allowed', clientPath);
    case 'delete':
    case 'rename':
      if (!directlyInFolder) throw new PathRefused('not_allowed', clientPath);
      return;
  }
}

/**
 * lstat of every component from the root down; how many exist. A symlink anywhere is refused:
 * the service never makes one, so one found was planted from outside the protocols.
 */
async function lstatWalk(root: string, parts: string[], clientPath: string): Promise<number> {
  const rootStat = await fs.promises.lstat(root);
  if (rootStat.isSymbolicLink() || !rootStat.isDirectory()) throw new PathRefused('outside_tree', clientPath);
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = path.join(current, part);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.lstat(current);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return index;
      if (isCode(err, 'ENOTDIR')) throw new PathRefused('not_found', clientPath);
      throw err;
    }
    if (stat.isSymbolicLink()) throw new PathRefused('outside_tree', clientPath);
    const last = index === parts.length - 1;
    if (!last && !stat.isDirectory()) throw new PathRefused('not_found', clientPath);
    if (last && !stat.isDirectory() && !stat.isFile()) throw new PathRefused('not_allowed', clientPath);
  }
  return parts.length;
}

export function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
