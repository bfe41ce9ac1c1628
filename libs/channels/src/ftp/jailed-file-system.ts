import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { assertSameFolder } from '../files/account-trees';
import { AccountTrees, PathRefused, ResolvedPath } from '../files/file-channel';
import { FtpReply, pathRefusalReply } from './ftp-replies';

/** A refused file operation; `message` is the reply text the stock handlers send. */
export class FtpFileError extends Error {
  constructor(readonly reply: FtpReply) {
    super(reply.text);
    this.name = 'FtpFileError';
  }
}

/** A directory entry as ftp-srv's `ls` formatter (STAT) and our LIST read it: no host uid/gid. */
export interface FileStat {
  name: string;
  size: number;
  mtime: Date;
  mode: number;
  uid: string;
  gid: string;
  isDirectory(): boolean;
}

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The file system an FTP session sees: every operation goes through `AccountTrees.resolve` first
 * and touches only the host path it returns. It does not extend ftp-srv's FileSystem, whose
 * `_resolvePath` joined client paths onto the root itself (backslashes turned into separators:
 * CVE-2020-26299) and whose mkdir/chmod/write would reach the disk without the jail: a method
 * this class does not have is a command the stock handlers refuse (402), never a stock fallback.
 * Uploads do not come through here at all (the session hands them to BatchFiles).
 */
export class JailedFileSystem {
  private cwd = '/';

  constructor(
    private readonly trees: AccountTrees,
    readonly accountId: string,
    private readonly logger: Logger,
    /** Called after a rename succeeded: a file renamed to a batch name in /outbox/ is claimed (BatchFiles.claimRenamed). */
    private readonly onRenamed: (renamed: ResolvedPath) => Promise<void> = () => Promise.resolve(),
  ) {}

  currentDirectory(): string {
    return this.cwd;
  }

  /** Resolves a client path against the working directory; refusals become FTP replies. */
  resolve(clientPath: string, access: Parameters<AccountTrees['resolve']>[2]): Promise<ResolvedPath> {
    return this.guard(() => this.trees.resolve(this.accountId, clientPath, access, this.cwd));
  }

  async chdir(clientPath = '.'): Promise<string> {
    const target = await this.resolve(clientPath, 'list');
    const stat = await this.guard(() => fs.lstat(target.real));
    if (!stat.isDirectory()) throw new FtpFileError({ code: 550, text: 'Not a directory.' });
    this.cwd = target.virtual;
    return this.cwd;
  }

  /** One entry (SIZE, MDTM, STAT, RNFR, LIST of a file). */
  async get(clientPath: string): Promise<FileStat> {
    const target = await this.resolve(clientPath, 'list');
    const stat = await this.guard(() => fs.lstat(target.real));
    return entry(target.virtual === '/' ? '/' : path.posix.basename(target.virtual), stat);
  }

  /** A directory's entries; anything but plain files and directories is left out. */
  async list(clientPath = '.'): Promise<FileStat[]> {
    const target = await this.resolve(clientPath, 'list');
    const names = await this.guard(() => fs.readdir(target.real));
    const entries: FileStat[] = [];
    for (const name of names.sort()) {
      if (CONTROL.test(name)) continue; // could not be named in a reply line anyway
      try {
        const stat = await fs.lstat(path.join(target.real, name));
        if (stat.isFile() || stat.isDirectory()) entries.push(entry(name, stat));
      } catch {
        // gone since readdir
      }
    }
    return entries;
  }

  /**
   * Opens a file for RETR: O_NOFOLLOW, so a symlink swapped in after `resolve` checked the path
   * is refused by the kernel rather than followed.
   */
  async openForRead(clientPath: string): Promise<{ handle: fs.FileHandle; size: number; virtual: string }> {
    const target = await this.resolve(clientPath, 'read');
    const handle = await this.guard(() => fs.open(target.real, constants.O_RDONLY | constants.O_NOFOLLOW));
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new FtpFileError({ code: 550, text: 'Not a plain file.' });
      return { handle, size: stat.size, virtual: target.virtual };
    } catch (err) {
      await handle.close();
      throw err instanceof FtpFileError ? err : this.refusal(err);
    }
  }

  async delete(clientPath: string): Promise<void> {
    const target = await this.resolve(clientPath, 'delete');
    await this.guard(() => fs.unlink(target.real));
  }

  /** RNFR/RNTO: within one folder, never over an existing file (the jail's rename rule). */
  async rename(from: string, to: string): Promise<void> {
    const source = await this.resolve(from, 'delete');
    const destination = await this.resolve(to, 'rename');
    await this.guard(() => Promise.resolve(assertSameFolder(source, destination)));
    if (source.real === destination.real) return;
    const taken = await fs.lstat(destination.real).then(
      () => true,
      () => false,
    );
    if (taken) throw new FtpFileError(pathRefusalReply('exists'));
    await this.guard(() => fs.rename(source.real, destination.real));
    // A failed claim leaves the file under its new name; the client hears the rename failed to queue it.
    await this.guard(() => this.onRenamed(destination));
  }

  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw this.refusal(err);
    }
  }

  /** An error in FTP words; host paths and errno texts stay in the log. */
  private refusal(err: unknown): FtpFileError {
    if (err instanceof FtpFileError) return err;
    if (err instanceof PathRefused) return new FtpFileError(pathRefusalReply(err.refusal));
    const code = (err as NodeJS.ErrnoException)?.code;
    switch (code ?? '') {
      case 'ENOENT':
      case 'ENOTDIR':
        return new FtpFileError(pathRefusalReply('not_found'));
      case 'EISDIR':
        return new FtpFileError({ code: 550, text: 'Is a directory.' });
      case 'EEXIST':
      case 'ENOTEMPTY':
        return new FtpFileError(pathRefusalReply('exists'));
      case 'EACCES':
      case 'EPERM':
      case 'ELOOP':
        return new FtpFileError(pathRefusalReply('not_allowed'));
      case 'ENOSPC':
      case 'EDQUOT':
        return new FtpFileError({ code: 452, text: 'Insufficient storage space.' });
      default:
        this.logger.warn(`file operation in account ${this.accountId} failed: ${String(err)}`);
        return new FtpFileError({ code: 451, text: 'Local error in processing.' });
    }
  }
}

function entry(name: string, stat: { size: number; mtime: Date; isDirectory(): boolean }): FileStat {
  const directory = stat.isDirectory();
  return {
    name,
    size: directory ? 0 : stat.size,
    mtime: stat.mtime,
    // What the client may do, not the host's bits: the tree is the account's alone.
    mode: directory ? 0o040700 : 0o100600,
    uid: 'ftp',
    gid: 'ftp',
    isDirectory: () => directory,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One `ls -l` style LIST line, the format every client parses (times in UTC). */
export function listLine(stat: FileStat, now = Date.now()): string {
  const t = stat.mtime;
  const pad = (n: number) => String(n).padStart(2, '0');
  const recent = Math.abs(now - t.getTime()) < 180 * 24 * 3600 * 1000;
  const when = `${MONTHS[t.getUTCMonth()]} ${pad(t.getUTCDate())} ${
    recent ? `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}` : ` ${t.getUTCFullYear()}`
  }`;
  const perms = stat.isDirectory() ? 'drwx------' : '-rw-------';
  return `${perms} 1 ftp ftp ${String(stat.size).padStart(12)} ${when} ${stat.name}`;
}
