/**
 * The contracts the file channel's parts share (FTP and SFTP listeners, the jailed trees, batch
 * processing). Implementations live next to this file (`account-trees.ts`, `batch-files.ts`).
 */
import type { AuthenticatedCredential } from '@gatehouse/core';

/** The three top-level folders of every account's tree (DESIGN.md §2, `ftp` row). */
export const TREE_FOLDERS = ['outbox', 'reports', 'processed'] as const;
export type TreeFolder = (typeof TREE_FOLDERS)[number];

/** Why a path was refused; each protocol words it (FTP 550/553, SFTP PERMISSION_DENIED/NO_SUCH_FILE). */
export type PathRefusal =
  | 'outside_tree' // `..` past the root, an absolute host path, a symlink out…
  | 'invalid_name' // NUL, backslash, control characters, undecodable text, `.`/`..` as a name, too long
  | 'not_found'
  | 'not_allowed' // e.g. writing anywhere but /outbox/, deleting a top-level folder, making a symlink
  | 'exists';

export class PathRefused extends Error {
  constructor(
    readonly refusal: PathRefusal,
    /** The client's path as given, for messages (never a host path). */
    readonly virtualPath: string,
  ) {
    super(`${refusal}: ${virtualPath}`);
    this.name = 'PathRefused';
  }
}

/** What a client may do with a path; the jail checks it before any file system call. */
export type TreeAccess = 'list' | 'read' | 'write' | 'delete' | 'mkdir' | 'rename';

/** A path the client named, resolved inside its account's tree. */
export interface ResolvedPath {
  /** Normalised client view: `/outbox/batch.csv`. */
  virtual: string;
  /** Absolute host path inside the account's tree. */
  real: string;
  /** The top-level folder it is in, or null for the root itself. */
  folder: TreeFolder | null;
}

/**
 * One jailed tree per account under `<data dir>/trees/<account id>/`, shared by FTP and SFTP
 * (and by nodes that share the data dir over a shared file system).
 */
export interface AccountTrees {
  /** Creates the tree (0700 dirs) when missing; returns its root. */
  ensure(accountId: string): Promise<string>;
  /**
   * Resolves a client path (absolute, or relative to `cwd`) for an access, or throws PathRefused.
   * No result ever leaves the tree: `..`, backslashes, NUL, host-absolute paths, symlinks (none
   * may be followed or made) and renames across the jail are refused.
   */
  resolve(accountId: string, path: string, access: TreeAccess, cwd?: string): Promise<ResolvedPath>;
}

/** An upload in progress: written under a temporary name, so a half-finished file is never processed. */
export interface UploadTarget {
  /**
   * Where to write the bytes now: an existing empty file (created 0600; open it with `w` or `r+`,
   * which keep its mode), hidden from every client.
   */
  tempPath: string;
  /** The most bytes the upload may have (`GATEHOUSE_FTP_MAX_UPLOAD_BYTES`): the listener stops it past this. */
  maxBytes: number;
  /**
   * Call when the client finished the upload successfully: moves it to its name in /outbox/, or,
   * for a batch file (`*.csv`), claims it for processing (it then shows up in /processed/ with its
   * report in /reports/). Resolves once that is durable on disk, before the rows are processed;
   * rejects (a full disk) with nothing left behind.
   */
  complete(): Promise<void>;
  /** Call when the upload failed or was cut off: removes what was written. */
  abort(): Promise<void>;
}

/** How one processed batch file went, for the request log and for tests. */
export interface BatchFileResult {
  file: string;
  rows: number;
  accepted: number;
  refused: number;
  report: string;
}

/**
 * Batch files (CSV `to,body[,groups]`) dropped into /outbox/: every completed upload is claimed
 * atomically (a rename), streamed row by row through the core's batch submit under the
 * uploader's credential, reported in /reports/<name>.report.csv and moved to /processed/.
 */
export interface BatchFiles {
  /**
   * Starts an upload of `path` (resolved with `write` access: a file directly in /outbox/) for
   * this credential. `peer` (the client's normalised address) goes into the batch's request-log row.
   */
  beginUpload(key: AuthenticatedCredential, path: ResolvedPath, peer?: string): Promise<UploadTarget>;
  /**
   * A file a client renamed within /outbox/ (it has done the rename): if the new name is a batch
   * file's, it is claimed and processed as if uploaded under that name. Clients such as WinSCP
   * upload to a temporary name (`x.csv.filepart`) and rename when done. Resolves once the claim is
   * durable (or at once, for any other name); on failure the file stays where the rename put it.
   */
  claimRenamed(key: AuthenticatedCredential, renamed: ResolvedPath, peer?: string): Promise<void>;
  /** Resolves once every batch claimed so far by this process has finished (shutdown, tests). */
  drain(): Promise<void>;
}

export const ACCOUNT_TREES = Symbol('AccountTrees');
export const BATCH_FILES = Symbol('BatchFiles');
