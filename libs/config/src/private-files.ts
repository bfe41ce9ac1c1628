import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The data dir holds message bodies, recipients, imported password hashes, the pepper and the
 * host key: nobody but the service's own user may read it. Created 0700, files 0600; an
 * existing dir or file of ours is tightened at start (DESIGN.md §5).
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/** Creates the file empty when missing (so it is born 0600, not at the umask), else tightens it. */
export function ensurePrivateFile(file: string): void {
  ensurePrivateDir(path.dirname(file));
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  tighten(file, 0o600);
}

/** Tightens the files that exist of a list (e.g. SQLite's -wal and -shm beside the database). */
export function tightenIfPresent(files: string[]): void {
  for (const file of files) if (fs.existsSync(file)) tighten(file, 0o600);
}

function tighten(target: string, mode: number): void {
  const stat = fs.statSync(target);
  // Only what this user owns can be changed; a dir shared on purpose (mounted /tmp…) is left be.
  if ((stat.mode & 0o777) !== mode && (process.getuid === undefined || stat.uid === process.getuid())) {
    fs.chmodSync(target, mode);
  }
}
