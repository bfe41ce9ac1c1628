import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { Attributes, FileEntry, SFTPWrapper } from 'ssh2';
import type { AuthenticatedCredential, ChannelGate, ChannelRequest, RequestOutcome } from '@gatehouse/core';
import {
  type AccountTrees,
  type BatchFiles,
  PathRefused,
  type ResolvedPath,
  TREE_FOLDERS,
  type UploadTarget,
} from '../files/file-channel';
import { InboundFlow } from './ssh2-internals';
import { LOG_STATUS, OPEN_MODE, STATUS, type SftpStatus, fsErrorStatus, refusalStatus } from './sftp-statuses';

/** Open handles one SFTP session may hold (OpenSSH's sftp-server allows 512 per process). */
export const MAX_OPEN_HANDLES = 64;
/**
 * Largest READ answered, as OpenSSH's sftp-server (SFTP_MAX_READ_LENGTH): its client refuses
 * messages over 256 KiB, and every client takes short reads.
 */
const MAX_READ_BYTES = 255 * 1024;
/** Entries per READDIR answer. */
const READDIR_BATCH = 100;
/** Bytes of reads and writes in flight before new requests wait (see InboundFlow). */
const MAX_INFLIGHT_BYTES = 8 * 1024 * 1024;
/** Answers waiting for the client's window before new requests wait. */
const MAX_OUTBOUND_BACKLOG = 64;

const { O_RDONLY, O_NOFOLLOW } = fs.constants;

type Pending = Set<Promise<unknown>>;

interface FileHandle {
  kind: 'file';
  file: fs.promises.FileHandle;
  pending: Pending;
}

interface DirHandle {
  kind: 'dir';
  dir: fs.Dir;
  real: string;
  /** The tree's root: only its three folders are listed. */
  root: boolean;
  done: boolean;
  pending: Pending;
}

interface UploadHandle {
  kind: 'upload';
  file: fs.promises.FileHandle;
  target: UploadTarget;
  request: ChannelRequest;
  /** open → closing (CLOSE received) → done; or failed (aborted, nothing kept). */
  state: 'open' | 'closing' | 'done' | 'failed';
  /** Once failed: what every later request on the handle is told. */
  failure: SftpStatus | null;
  pending: Pending;
}

type OpenHandle = FileHandle | DirHandle | UploadHandle;

export interface SftpFileSessionDeps {
  trees: AccountTrees;
  batches: BatchFiles;
  gate: Pick<ChannelGate, 'openRequest'>;
  logger: Pick<Logger, 'warn'>;
}

/** What the session tells its connection. */
export interface SftpFileSessionHooks {
  /** True once the listener is stopping: no new uploads. */
  draining(): boolean;
  /** An upload started or ended (the listener waits for uploads when it stops). */
  uploadsChanged(): void;
}

/** A request answered with a status (an SFTP refusal or failure); never carries a host path. */
class SftpRefusal extends Error {
  constructor(readonly status: SftpStatus) {
    super(status.message);
  }
}

const refuse = (code: number, message: string): SftpRefusal => new SftpRefusal({ code, message });
const ABORTED: SftpStatus = { code: STATUS.FAILURE, message: 'the upload was aborted; nothing was kept' };

/**
 * One SFTP subsystem channel of a logged-in connection, mapped onto the account's jailed tree
 * (AccountTrees) and uploads (BatchFiles). Every path goes through `AccountTrees.resolve` before
 * any file-system call; files are opened with O_NOFOLLOW besides. Uploads are written to the
 * upload's temporary file and only `complete()`d by the client's CLOSE, so a cut-off upload is
 * aborted, never processed.
 */
export class SftpFileSession {
  private readonly handles = new Map<string, OpenHandle>();
  private readonly flow: InboundFlow;
  private readonly waiting: Array<() => void> = [];
  private readonly running = new Set<Promise<void>>();
  private inflightBytes = 0;
  private closingUploads = 0;
  private ended = false;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly key: AuthenticatedCredential,
    private readonly peer: string,
    private readonly deps: SftpFileSessionDeps,
    private readonly hooks: SftpFileSessionHooks,
  ) {
    this.flow = new InboundFlow(
      sftp,
      () => this.overloaded(),
      () => this.startWaiting(),
    );
  }

  start(): void {
    const s = this.sftp;
    s.on('OPEN', (id: number, name: string, flags: number) => this.run(id, 0, () => this.open(id, name, flags)));
    s.on('READ', (id: number, h: Buffer, offset: number, length: number) =>
      this.run(id, Math.min(length, MAX_READ_BYTES), () => this.read(id, h, offset, length), h),
    );
    s.on('WRITE', (id: number, h: Buffer, offset: number, data: Buffer) =>
      this.run(id, data.length, () => this.write(id, h, offset, data), h),
    );
    s.on('CLOSE', (id: number, h: Buffer) => this.run(id, 0, () => this.close(id, h)));
    s.on('FSTAT', (id: number, h: Buffer) => this.run(id, 0, () => this.fstat(id, h), h));
    s.on('FSETSTAT', (id: number, h: Buffer) => this.run(id, 0, () => this.fsetstat(id, h), h));
    s.on('OPENDIR', (id: number, p: string) => this.run(id, 0, () => this.opendir(id, p)));
    s.on('READDIR', (id: number, h: Buffer) => this.run(id, 0, () => this.readdir(id, h), h));
    s.on('STAT', (id: number, p: string) => this.run(id, 0, () => this.stat(id, p)));
    s.on('LSTAT', (id: number, p: string) => this.run(id, 0, () => this.stat(id, p)));
    s.on('SETSTAT', (id: number, p: string) => this.run(id, 0, () => this.setstat(id, p)));
    s.on('REALPATH', (id: number, p: string) => this.run(id, 0, () => this.realpath(id, p)));
    s.on('REMOVE', (id: number, p: string) => this.run(id, 0, () => this.remove(id, p)));
    s.on('RMDIR', (id: number, p: string) => this.run(id, 0, () => this.rmdir(id, p)));
    s.on('MKDIR', (id: number, p: string) => this.run(id, 0, () => this.mkdir(id, p)));
    s.on('RENAME', (id: number, from: string, to: string) => this.run(id, 0, () => this.rename(id, from, to)));
    s.on('READLINK', (id: number, p: string) => this.run(id, 0, () => this.readlink(id, p)));
    // Symlinks are never made, whatever their target (DESIGN.md §2: none can escape the jail).
    s.on('SYMLINK', (id: number) => s.status(id, STATUS.PERMISSION_DENIED, 'symbolic links are not allowed'));
    // EXTENDED requests (posix-rename, statvfs, hardlink…) get ssh2's OP_UNSUPPORTED: none is advertised.
    s.on('error', () => void this.end());
    s.on('close', () => void this.end());
    // The client sent EOF (OpenSSH's `sftp` quitting): its requests still run, then our side
    // closes too, or its ssh waits for us.
    s.on('end', () => {
      void this.settle().then(async () => {
        await this.end();
        s.end();
      });
    });
  }

  /** Uploads received but not yet completed or aborted (a CLOSE being completed included). */
  openUploads(): number {
    let count = this.closingUploads;
    for (const h of this.handles.values()) if (h.kind === 'upload' && h.state === 'open') count++;
    return count;
  }

  /** The channel or the connection went away: closes every handle, aborting unfinished uploads. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.flow.stop();
    this.waiting.length = 0;
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((h) => this.release(h, 'aborted')));
    if (handles.some((h) => h.kind === 'upload')) this.hooks.uploadsChanged();
  }

  // --- scheduling ------------------------------------------------------------------------------

  private overloaded(): boolean {
    return (
      this.waiting.length > 0 ||
      this.inflightBytes > MAX_INFLIGHT_BYTES ||
      this.flow.outboundBacklog() > MAX_OUTBOUND_BACKLOG
    );
  }

  /**
   * Runs one request, or queues it while the session is loaded (requests start in arrival order).
   * `cost` counts towards the bytes in flight; `handle` ties the request to a handle, whose CLOSE
   * waits for it.
   */
  private run(id: number, cost: number, task: () => Promise<void>, handle?: Buffer): void {
    const start = (): void => {
      if (this.ended) return;
      this.inflightBytes += cost;
      const open = handle ? this.handles.get(handle.toString('hex')) : undefined;
      // Through a promise, so a synchronous throw becomes an answer too.
      const running: Promise<void> = Promise.resolve()
        .then(task)
        .catch((err: unknown) => this.answerError(id, err))
        .finally(() => {
          this.running.delete(running);
          open?.pending.delete(running);
          this.inflightBytes -= cost;
          this.startWaiting();
          this.flow.poke();
        });
      open?.pending.add(running);
      this.running.add(running);
    };
    if (this.overloaded()) this.waiting.push(start);
    else start();
  }

  /** Resolves once every request received so far has been answered (or the session ended). */
  private async settle(): Promise<void> {
    while (!this.ended && (this.running.size > 0 || this.waiting.length > 0)) {
      if (this.running.size > 0) await Promise.allSettled([...this.running]);
      else {
        // Queued behind answers the client has yet to take: start them as those drain.
        this.startWaiting();
        if (this.running.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.inflightBytes <= MAX_INFLIGHT_BYTES) {
      if (this.flow.outboundBacklog() > MAX_OUTBOUND_BACKLOG) return;
      this.waiting.shift()!();
    }
  }

  private answerError(id: number, err: unknown): void {
    if (err instanceof SftpRefusal) return this.status(id, err.status);
    if (err instanceof PathRefused) return this.status(id, refusalStatus(err.refusal));
    const status = fsErrorStatus(err);
    if (status.message === 'failure') this.deps.logger.warn(`SFTP request failed: ${String(err)}`);
    this.status(id, status);
  }

  private status(id: number, status: SftpStatus): void {
    this.sftp.status(id, status.code, status.message);
  }

  private ok(id: number): void {
    this.sftp.status(id, STATUS.OK);
  }

  private resolve(clientPath: string, access: Parameters<AccountTrees['resolve']>[2]): Promise<ResolvedPath> {
    return this.deps.trees.resolve(this.key.accountId, clientPath === '' ? '.' : clientPath, access, '/');
  }

  // --- handles ---------------------------------------------------------------------------------

  private addHandle(h: OpenHandle): Buffer {
    let id: Buffer;
    do id = randomBytes(8);
    while (this.handles.has(id.toString('hex')));
    this.handles.set(id.toString('hex'), h);
    return id;
  }

  private handle(raw: Buffer): OpenHandle {
    const h = this.handles.get(raw.toString('hex'));
    if (!h) throw refuse(STATUS.FAILURE, 'invalid handle');
    return h;
  }

  private checkHandleRoom(): void {
    if (this.handles.size >= MAX_OPEN_HANDLES) {
      throw refuse(STATUS.FAILURE, `too many open handles (at most ${MAX_OPEN_HANDLES})`);
    }
  }

  /** Closes a handle's file; an upload not completed yet is aborted and logged as `outcome`. */
  private async release(h: OpenHandle, why: 'aborted' | 'closed'): Promise<void> {
    try {
      if (h.kind === 'dir') await h.dir.close();
      else if (h.kind === 'file') await h.file.close();
      else if (h.state === 'open') await this.failUpload(h, LOG_STATUS.uploadAborted, 'rejected', ABORTED);
    } catch (err) {
      if (why === 'closed') throw err;
    }
  }

  // --- files -----------------------------------------------------------------------------------

  private async open(id: number, name: string, flags: number): Promise<void> {
    this.checkHandleRoom();
    if (flags & OPEN_MODE.WRITE) return this.openUpload(id, name, flags);
    if (!(flags & OPEN_MODE.READ)) throw refuse(STATUS.FAILURE, 'open for reading or writing');
    const resolved = await this.resolve(name, 'read');
    const file = await fs.promises.open(resolved.real, O_RDONLY | O_NOFOLLOW);
    try {
      if (!(await file.stat()).isFile()) throw refuse(STATUS.FAILURE, 'not a regular file');
      if (this.ended) throw refuse(STATUS.FAILURE, 'session closed');
    } catch (err) {
      await file.close();
      throw err;
    }
    this.sftp.handle(id, this.addHandle({ kind: 'file', file, pending: new Set() }));
  }

  /**
   * A write-open starts a new upload of the whole file (`put`). Appending and resuming (`reput`:
   * write without truncating an existing file) would continue a file that has been processed
   * already, so they are refused.
   */
  private async openUpload(id: number, name: string, flags: number): Promise<void> {
    if (flags & OPEN_MODE.APPEND)
      throw refuse(STATUS.OP_UNSUPPORTED, 'appending is not supported: upload the whole file');
    if (this.hooks.draining()) throw refuse(STATUS.FAILURE, 'the server is shutting down');
    const resolved = await this.resolve(name, 'write');
    if (!(flags & OPEN_MODE.TRUNC) && (await exists(resolved.real))) {
      throw flags & OPEN_MODE.EXCL
        ? refuse(STATUS.FAILURE, 'file exists')
        : refuse(STATUS.OP_UNSUPPORTED, 'resuming an upload is not supported: upload the whole file');
    }
    if (flags & OPEN_MODE.EXCL && (await exists(resolved.real))) throw refuse(STATUS.FAILURE, 'file exists');
    const target = await this.deps.batches.beginUpload(this.key, resolved, this.peer);
    let file: fs.promises.FileHandle;
    try {
      // Neither created nor truncated: the temporary file exists, empty and 0600 (FilesModule).
      file = await fs.promises.open(target.tempPath, fs.constants.O_WRONLY | O_NOFOLLOW);
    } catch (err) {
      await target.abort();
      throw err;
    }
    if (this.ended) {
      await file.close().catch(() => undefined);
      await target.abort();
      throw refuse(STATUS.FAILURE, 'session closed');
    }
    const request = this.deps.gate.openRequest(this.key, 'sftp.WRITE', this.peer);
    const upload: UploadHandle = {
      kind: 'upload',
      file,
      target,
      request,
      state: 'open',
      failure: null,
      pending: new Set(),
    };
    this.sftp.handle(id, this.addHandle(upload));
    this.hooks.uploadsChanged();
  }

  private async read(id: number, raw: Buffer, offset: number, length: number): Promise<void> {
    const h = this.handle(raw);
    if (h.kind !== 'file') throw refuse(STATUS.FAILURE, 'not open for reading');
    const buffer = Buffer.allocUnsafe(Math.min(length, MAX_READ_BYTES));
    const { bytesRead } = await h.file.read(buffer, 0, buffer.length, offset);
    if (bytesRead === 0) return this.sftp.status(id, STATUS.EOF);
    this.sftp.data(id, buffer.subarray(0, bytesRead));
  }

  private async write(id: number, raw: Buffer, offset: number, data: Buffer): Promise<void> {
    const h = this.handle(raw);
    if (h.kind !== 'upload') throw refuse(STATUS.FAILURE, 'not open for writing');
    if (h.state !== 'open') throw new SftpRefusal(h.failure ?? ABORTED);
    const max = h.target.maxBytes;
    if (offset + data.length > max) {
      const tooLarge = {
        code: STATUS.FAILURE,
        message: `file too large: uploads are limited to ${max} bytes; nothing was kept`,
      };
      // Answered before the clean-up: pipelined writes still in flight get the same answer after it.
      const failing = this.failUpload(h, String(STATUS.FAILURE), 'payload_too_large', tooLarge);
      this.status(id, tooLarge);
      // Answered already: a failed clean-up is only logged.
      return failing.catch((err: unknown) => this.deps.logger.warn(`SFTP upload clean-up failed: ${String(err)}`));
    }
    try {
      await h.file.write(data, 0, data.length, offset);
    } catch (err) {
      if (h.state !== 'open') throw new SftpRefusal(h.failure ?? ABORTED);
      this.deps.logger.warn(`SFTP upload write failed: ${String(err)}`);
      const status = fsErrorStatus(err);
      const failure = {
        code: STATUS.FAILURE,
        message: `${status.message === 'failure' ? 'write failed' : status.message}; nothing was kept`,
      };
      await this.failUpload(h, String(STATUS.FAILURE), 'internal_error', failure);
      throw new SftpRefusal(failure);
    }
    this.ok(id);
  }

  /**
   * Ends an upload that will not complete: removes what was written, logs its outcome once. The
   * handle is marked failed before the first await, so requests that follow see it at once.
   */
  private async failUpload(
    h: UploadHandle,
    status: string,
    outcome: RequestOutcome,
    failure: SftpStatus,
  ): Promise<void> {
    if (h.state !== 'open') return;
    h.state = 'failed';
    h.failure = failure;
    await h.file.close().catch(() => undefined);
    try {
      await h.target.abort();
    } finally {
      h.request.finish(status, outcome);
      this.hooks.uploadsChanged();
    }
  }

  private async close(id: number, raw: Buffer): Promise<void> {
    const h = this.handle(raw);
    this.handles.delete(raw.toString('hex'));
    if (h.kind !== 'upload') {
      await Promise.allSettled([...h.pending]);
      await this.release(h, 'closed');
      return this.ok(id);
    }
    this.closingUploads++; // still an upload in progress for stop(), until answered
    try {
      await this.completeUpload(id, h);
    } finally {
      this.closingUploads--;
    }
  }

  /** The client's CLOSE of an upload: the file is complete, hand it over (batch files are claimed). */
  private async completeUpload(id: number, h: UploadHandle): Promise<void> {
    // Requests on this handle that started before the CLOSE finish first (pipelined writes).
    await Promise.allSettled([...h.pending]);
    if (h.state !== 'open') throw new SftpRefusal(h.failure ?? ABORTED);
    h.state = 'closing';
    try {
      await h.file.close();
      await h.target.complete();
    } catch (err) {
      h.state = 'open'; // failUpload logs it and removes what was written
      const status = err instanceof PathRefused ? refusalStatus(err.refusal) : fsErrorStatus(err);
      if (!(err instanceof PathRefused)) this.deps.logger.warn(`SFTP upload could not be completed: ${String(err)}`);
      await this.failUpload(h, String(status.code), err instanceof PathRefused ? 'rejected' : 'internal_error', status);
      throw new SftpRefusal(status);
    }
    h.state = 'done';
    h.request.finish(LOG_STATUS.uploadOk, 'ok');
    this.ok(id);
    this.hooks.uploadsChanged();
  }

  private async fstat(id: number, raw: Buffer): Promise<void> {
    const h = this.handle(raw);
    const stats = h.kind === 'dir' ? await fs.promises.lstat(h.real) : await h.file.stat();
    this.sftp.attrs(id, attributes(stats));
  }

  /**
   * Modes and times are the service's (files 0600, folders 0700), but clients that set them
   * after an upload (`put -p`, WinSCP, ssh2's write streams) fail the transfer when refused:
   * the request is accepted and changes nothing, as SFTPGo's "ignore" setstat mode does.
   */
  private fsetstat(id: number, raw: Buffer): Promise<void> {
    this.handle(raw);
    this.ok(id);
    return Promise.resolve();
  }

  private async setstat(id: number, clientPath: string): Promise<void> {
    await this.resolve(clientPath, 'list');
    this.ok(id);
  }

  // --- directories and names -------------------------------------------------------------------

  private async opendir(id: number, clientPath: string): Promise<void> {
    this.checkHandleRoom();
    const resolved = await this.resolve(clientPath, 'list');
    const dir = await fs.promises.opendir(resolved.real, { bufferSize: READDIR_BATCH });
    if (this.ended) {
      await dir.close();
      throw refuse(STATUS.FAILURE, 'session closed');
    }
    const handle: DirHandle = {
      kind: 'dir',
      dir,
      real: resolved.real,
      root: resolved.folder === null,
      done: false,
      pending: new Set(),
    };
    this.sftp.handle(id, this.addHandle(handle));
  }

  private async readdir(id: number, raw: Buffer): Promise<void> {
    const h = this.handle(raw);
    if (h.kind !== 'dir') throw refuse(STATUS.FAILURE, 'not a directory handle');
    const names: FileEntry[] = [];
    while (!h.done && names.length < READDIR_BATCH) {
      const entry = await h.dir.read();
      if (entry === null) {
        h.done = true;
        break;
      }
      // Only files and folders; at the root only the three folders (nothing else belongs there).
      if (!entry.isFile() && !entry.isDirectory()) continue;
      if (h.root && !(entry.isDirectory() && (TREE_FOLDERS as readonly string[]).includes(entry.name))) continue;
      let stats: fs.Stats;
      try {
        stats = await fs.promises.lstat(path.join(h.real, entry.name));
      } catch {
        continue; // gone since it was listed (processed, removed)
      }
      if (!stats.isFile() && !stats.isDirectory()) continue;
      names.push({ filename: entry.name, longname: longname(entry.name, stats), attrs: attributes(stats) });
    }
    if (names.length === 0) return this.sftp.status(id, STATUS.EOF);
    this.sftp.name(id, names);
  }

  private async stat(id: number, clientPath: string): Promise<void> {
    const resolved = await this.resolve(clientPath, 'list');
    const stats = await fs.promises.lstat(resolved.real);
    if (!stats.isFile() && !stats.isDirectory()) throw refuse(STATUS.NO_SUCH_FILE, 'no such file or directory');
    this.sftp.attrs(id, attributes(stats));
  }

  /**
   * The client's absolute view of a path (`/`, `/outbox/batch.csv`), never a host path. A path
   * that does not exist yet (about to be uploaded) is still normalised, as OpenSSH does.
   */
  private async realpath(id: number, clientPath: string): Promise<void> {
    let virtual: string;
    try {
      virtual = (await this.resolve(clientPath, 'list')).virtual;
    } catch (err) {
      // The jail found the path well-formed and inside the tree, only missing.
      if (!(err instanceof PathRefused) || err.refusal !== 'not_found') throw err;
      virtual = path.posix.resolve('/', clientPath);
    }
    this.sftp.name(id, [{ filename: virtual, longname: virtual, attrs: {} as Attributes }]);
  }

  private async remove(id: number, clientPath: string): Promise<void> {
    const resolved = await this.resolve(clientPath, 'delete');
    await fs.promises.unlink(resolved.real);
    this.ok(id);
  }

  private async rmdir(id: number, clientPath: string): Promise<void> {
    const resolved = await this.resolve(clientPath, 'delete');
    await fs.promises.rmdir(resolved.real);
    this.ok(id);
  }

  private async mkdir(id: number, clientPath: string): Promise<void> {
    const resolved = await this.resolve(clientPath, 'mkdir');
    await fs.promises.mkdir(resolved.real, { mode: 0o700 });
    this.ok(id);
  }

  /**
   * Within one folder only (no move between folders, none out of the jail). SFTP v3 RENAME does
   * not replace an existing name; a link-then-unlink keeps that atomic.
   */
  private async rename(id: number, from: string, to: string): Promise<void> {
    const source = await this.resolve(from, 'delete');
    const target = await this.resolve(to, 'rename');
    if (source.folder === null || source.folder !== target.folder) {
      throw refuse(STATUS.PERMISSION_DENIED, 'permission denied: rename within one folder only');
    }
    if (source.real === target.real) return this.ok(id);
    await fs.promises.link(source.real, target.real);
    await fs.promises.unlink(source.real);
    // `x.csv.filepart` → `x.csv` (WinSCP and others upload under a temporary name): a batch now.
    await this.deps.batches.claimRenamed(this.key, target, this.peer);
    this.ok(id);
  }

  /** The tree holds no symlinks (the jail refuses any it finds): an existing path is not one. */
  private async readlink(_id: number, clientPath: string): Promise<void> {
    await this.resolve(clientPath, 'list');
    throw refuse(STATUS.FAILURE, 'not a symbolic link');
  }
}

async function exists(real: string): Promise<boolean> {
  try {
    await fs.promises.lstat(real);
    return true;
  } catch {
    return false;
  }
}

function attributes(stats: fs.Stats): Attributes {
  // No uid/gid: the host's user ids are none of the client's business.
  return {
    mode: stats.mode,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  } as Attributes;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ls -l` style, which OpenSSH's `ls -l` prints and some clients parse (the type letter first). */
function longname(name: string, stats: fs.Stats): string {
  const bits = 'rwxrwxrwx'
    .split('')
    .map((c, i) => (stats.mode & (0o400 >> i) ? c : '-'))
    .join('');
  const when = stats.mtime;
  const recent = Math.abs(Date.now() - when.getTime()) < 180 * 24 * 3600 * 1000;
  const date =
    `${MONTHS[when.getUTCMonth()]} ${String(when.getUTCDate()).padStart(2)} ` +
    (recent
      ? `${String(when.getUTCHours()).padStart(2, '0')}:${String(when.getUTCMinutes()).padStart(2, '0')}`
      : ` ${when.getUTCFullYear()}`);
  const type = stats.isDirectory() ? 'd' : '-';
  return `${type}${bits}    1 gatehouse gatehouse ${String(stats.size).padStart(12)} ${date} ${name}`;
}
