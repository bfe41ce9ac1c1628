import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import {
  AuthenticatedCredential,
  Authenticator,
  BatchRowResult,
  ChannelRequest,
  DomainError,
  RequestLogService,
  SubmissionRepository,
  SubmissionRequest,
  SubmissionService,
  isId,
  newId,
} from '@gatehouse/core';
import { FsAccountTrees, WORK_DIR, isCode } from './account-trees';
import { BatchFileResult, BatchFiles, ResolvedPath, UploadTarget } from './file-channel';

/**
 * The file system calls batch processing makes, replaceable as a whole or one by one (tests
 * inject ENOSPC here). Defaults to node:fs.
 */
export interface BatchFs {
  open: typeof fs.promises.open;
  rename: typeof fs.promises.rename;
  link: typeof fs.promises.link;
  unlink: typeof fs.promises.unlink;
  lstat: typeof fs.promises.lstat;
  readdir: (dir: string) => Promise<string[]>;
  readFile: (file: string, encoding: 'utf8') => Promise<string>;
  utimes: typeof fs.promises.utimes;
  createReadStream: (file: string) => Readable;
  createWriteStream: (file: string, options: { flags: string; mode: number }) => NodeJS.WritableStream;
}

export const NODE_BATCH_FS: BatchFs = {
  open: (...args) => fs.promises.open(...args),
  rename: (...args) => fs.promises.rename(...args),
  link: (...args) => fs.promises.link(...args),
  unlink: (...args) => fs.promises.unlink(...args),
  lstat: ((...args: Parameters<typeof fs.promises.lstat>) => fs.promises.lstat(...args)) as typeof fs.promises.lstat,
  readdir: (dir) => fs.promises.readdir(dir),
  readFile: (file, encoding) => fs.promises.readFile(file, encoding),
  utimes: (...args) => fs.promises.utimes(...args),
  createReadStream: (file) => fs.createReadStream(file),
  createWriteStream: (file, options) => fs.createWriteStream(file, options),
};

export interface BatchFilesDeps {
  trees: FsAccountTrees;
  submissions: Pick<SubmissionService, 'submitBatch'>;
  /** Which rows of a resumed batch are stored already (SUBMISSION_REPOSITORY). */
  stored: Pick<SubmissionRepository, 'existingIds'>;
  principals: Pick<Authenticator, 'currentPrincipal'>;
  requestLog: RequestLogService;
  maxUploadBytes: number;
  /**
   * True when no other process can share the data dir (SQLite holds its file exclusively): then
   * at start every leftover upload and claim is a dead process's, and is taken at once.
   * Otherwise (MySQL, nodes sharing the trees) only claims whose lease ran out are.
   */
  soleNode: boolean;
  fs?: Partial<BatchFs>;
  /** A claim whose heartbeat is older than this was left by a dead process (default 60 s). */
  leaseMs?: number;
  /** An upload written to for no longer than this is abandoned (default 1 h). */
  uploadStaleMs?: number;
  /** Rows per `submitBatch` call (default 500). */
  chunkRows?: number;
  /**
   * Chunks stored at once (default 4), per batch and per process: on MySQL each is a transaction
   * of its own on its own connection, which is where the time of a batch goes (one INSERT per row).
   */
  chunkDepth?: number;
  /** Told about every batch finished by this process (tests, metrics). */
  onProcessed?: (result: BatchFileResult) => void;
}

/** What a claim's sidecar (`claims/<claimId>.json`) holds: enough to finish it after a crash. */
interface ClaimMeta {
  v: 1;
  claimId: string;
  accountId: string;
  tenantId: string;
  credentialId: string;
  channel: AuthenticatedCredential['channel'];
  username: string;
  offTheRecord: boolean;
  peer: string;
  /** The name the client uploaded, in /outbox/. */
  name: string;
  /** Name chosen in /processed/ (and `<stem>.report.csv` in /reports/) once the report is written. */
  stem: string | null;
  claimedAt: string;
}

interface ReportLine {
  row: number;
  status: 'accepted' | 'refused';
  submission_id: string;
  error: string;
}

interface Tally {
  rows: number;
  accepted: number;
  refused: number;
  /** The file could not be read as a batch at all (bad header). */
  rejected: boolean;
}

type Pending = { row: number; id: string; request: SubmissionRequest } | { row: number; id: null; error: string };

/** The report's columns, in order. */
export const REPORT_COLUMNS = ['row', 'status', 'submission_id', 'error'] as const;
const HEADER_HINT = 'the first line must be the header to,body[,groups]';
/** Longest record (bytes) the parser holds: far above any valid row (4096-char body, 1000 recipients). */
const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_STEM_SUFFIX = 9999;
const CLAIM_DATA = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.data$/;
const CLAIM_REPORT = /^([0-9a-f-]{36})\.([0-9a-f-]{36})\.report$/;
const CLAIM_META = /^([0-9a-f-]{36})\.json$/;
const CLAIM_META_TEMP = /^[0-9a-f-]{36}\.[0-9a-f-]{36}\.json\.tmp$/;
const UPLOAD = /^([0-9a-f-]{36})\.([0-9a-f-]{36})$/;

class Stopping extends Error {
  constructor() {
    super('shutting down: the batch stays claimed and resumes at the next start');
  }
}
class LostClaim extends Error {
  constructor() {
    super('another process took this claim over (its heartbeat stalled past the lease)');
  }
}

export function isBatchFileName(name: string): boolean {
  return /\.csv$/i.test(name);
}

/**
 * A batch row's submission id: the same for the same (claim, row) however often the batch is
 * processed, so `submitBatch` recognises rows a crashed run already stored. UUID-shaped with
 * version 8; its first 48 bits are the claim's own time (the claim id is a UUIDv7) and the next
 * bits the row number, so the ids of a batch sort like time-ordered ids (cursors, `firstIdAt`),
 * in row order; the last 42 bits are SHA-256 of the claim id and row, which keeps two claims
 * made in the same millisecond apart.
 */
export function batchRowId(claimId: string, row: number): string {
  if (!Number.isInteger(row) || row < 0 || row > 0xffffffff) throw new RangeError('row out of range');
  const hash = createHash('sha256').update(`${claimId}:${row}`).digest();
  const bytes = Buffer.alloc(16);
  Buffer.from(claimId.replace(/-/g, '').slice(0, 12), 'hex').copy(bytes, 0);
  bytes[6] = 0x80 | ((row >>> 28) & 0x0f);
  bytes[7] = (row >>> 20) & 0xff;
  bytes[8] = 0x80 | ((row >>> 14) & 0x3f);
  bytes[9] = (row >>> 6) & 0xff;
  bytes[10] = ((row & 0x3f) << 2) | (hash[0] & 0x03);
  hash.copy(bytes, 11, 1, 6);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Batch files (DESIGN.md §2 `ftp` row, issue 10 item 4).
 *
 * Layout, per account, outside its jail (`<dataDir>/trees/.work/<accountId>/`):
 * - `uploads/<owner>.<uploadId>`: uploads being written (`owner` is this process's instance id);
 * - `claims/<claimId>.json`: who uploaded a batch and what it is called (written first);
 * - `claims/<claimId>.<owner>.data`: the batch itself, owned by one process;
 * - `claims/<claimId>.<owner>.report`: its report being written.
 *
 * A completed CSV upload is claimed by renaming its upload file straight into `claims/`: it never
 * sits unclaimed in /outbox/, so nothing else can pick it up, a re-upload of the same name cannot
 * be confused with it, and a half-written upload is never seen. The owner refreshes the data
 * file's mtime (its lease) while it works; a claim whose lease ran out (its process died) is
 * taken over by renaming it to another owner's name, which only one taker can do. The rows'
 * submission ids derive from the claim id (`batchRowId`), so a batch processed again from the
 * start never stores a row twice.
 *
 * The end is ordered so that nothing looks done before it is: report written and synced under
 * its hidden name; the batch hard-linked into /processed/ (no clobbering); the report renamed
 * into /reports/; only then the claim removed. A crash or a full disk anywhere before that last
 * step leaves the claim in place, and it is processed again.
 */
export class BatchFileProcessor implements BatchFiles, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('BatchFiles');
  /** This process's name on its claims and uploads. */
  readonly owner = newId();
  private readonly fs: BatchFs;
  private readonly leaseMs: number;
  private readonly uploadStaleMs: number;
  private readonly chunkRows: number;
  private readonly chunkDepth: number;
  /** Chunks being stored by this process, all batches together: the pool stays free for the rest. */
  private readonly chunkSlots: Slots;
  private readonly inFlight = new Set<Promise<void>>();
  /** Claim ids this process is working on. */
  private readonly active = new Set<string>();
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly deps: BatchFilesDeps) {
    this.fs = { ...NODE_BATCH_FS, ...deps.fs };
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.uploadStaleMs = deps.uploadStaleMs ?? 60 * 60_000;
    this.chunkRows = deps.chunkRows ?? 500;
    this.chunkDepth = deps.chunkDepth ?? 4;
    this.chunkSlots = new Slots(deps.chunkDepth ?? 4);
  }

  async onModuleInit(): Promise<void> {
    await this.recover(true);
    this.sweeper = setInterval(() => void this.recover(false), Math.max(1000, this.leaseMs / 2));
    this.sweeper.unref();
  }

  /** Batches under way stop at their next chunk and stay claimed: the next start resumes them. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.sweeping;
    await this.drain();
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async beginUpload(key: AuthenticatedCredential, target: ResolvedPath, peer = '-'): Promise<UploadTarget> {
    if (this.stopping) throw new Error('batch files are shutting down');
    const name = this.outboxName(key.accountId, target);
    await this.deps.trees.ensure(key.accountId);
    const { uploads, claims } = this.deps.trees.ensureWork(key.accountId);
    const tempPath = path.join(uploads, `${this.owner}.${newId()}`);
    await (await this.fs.open(tempPath, 'wx', 0o600)).close();
    let state: 'open' | 'completing' | 'aborted' = 'open';
    let completing: Promise<void> | null = null;
    return {
      tempPath,
      maxBytes: this.deps.maxUploadBytes,
      complete: () => {
        if (state === 'aborted') return Promise.reject(new Error('upload was aborted'));
        state = 'completing';
        return (completing ??= this.complete(key, name, tempPath, claims, peer));
      },
      abort: async () => {
        if (state !== 'open') return;
        state = 'aborted';
        await this.unlinkQuietly(tempPath);
      },
    };
  }

  async claimRenamed(key: AuthenticatedCredential, renamed: ResolvedPath, peer = '-'): Promise<void> {
    if (renamed.folder !== 'outbox' || !isBatchFileName(renamed.virtual)) return;
    if (this.stopping) throw new Error('batch files are shutting down');
    const name = this.outboxName(key.accountId, renamed);
    const { claims } = this.deps.trees.ensureWork(key.accountId);
    await this.complete(key, name, renamed.real, claims, peer, 'keep');
  }

  /** `/outbox/<name>` of this account, as `resolve(…, 'write')` returns it; anything else is a bug. */
  private outboxName(accountId: string, target: ResolvedPath): string {
    const name = target.virtual.startsWith('/outbox/') ? target.virtual.slice('/outbox/'.length) : '';
    const expected = path.join(this.deps.trees.rootOf(accountId), 'outbox', name);
    if (target.folder !== 'outbox' || name === '' || name.includes('/') || target.real !== expected) {
      throw new Error('an upload goes directly into the uploading account’s /outbox/');
    }
    return name;
  }

  /**
   * The upload is complete. Any other file lands in /outbox/. A batch file is claimed, and the
   * client's upload is acknowledged as soon as that claim is durable on disk: the rows are
   * processed in the background afterwards (a large file takes seconds, longer than a client
   * should wait for its `226`), and a crash from then on resumes the claim rather than losing it.
   * A failure before the claim (a full disk) refuses the upload and removes what was written.
   */
  private async complete(
    key: AuthenticatedCredential,
    name: string,
    tempPath: string,
    claims: string,
    peer: string,
    /** What a failure does with the file: an upload's temp file goes; a client's renamed file stays. */
    onFailure: 'remove' | 'keep' = 'remove',
  ): Promise<void> {
    let metaPath: string | null = null;
    try {
      await this.syncFile(tempPath);
      if (!isBatchFileName(name)) {
        const outbox = path.join(this.deps.trees.rootOf(key.accountId), 'outbox');
        await this.fs.rename(tempPath, path.join(outbox, name));
        await this.syncDir(outbox);
        return;
      }
      const meta: ClaimMeta = {
        v: 1,
        claimId: newId(),
        accountId: key.accountId,
        tenantId: key.tenantId,
        credentialId: key.credentialId,
        channel: key.channel,
        username: key.username,
        offTheRecord: key.offTheRecord,
        peer,
        name,
        stem: null,
        claimedAt: new Date().toISOString(),
      };
      // The sidecar first: a claim is never without the credential it runs under.
      metaPath = await this.writeMeta(claims, meta);
      await this.touch(tempPath); // the claim's lease starts fresh
      await this.fs.rename(tempPath, this.dataPath(claims, meta.claimId));
      metaPath = null;
      // Claimed: from here the batch will be processed (now, or after a restart), so nothing
      // below may fail the upload and make the client send it again.
      await this.syncDir(claims).catch((err: unknown) =>
        this.logger.warn(`batch ${meta.claimId}: claim not synced to disk: ${describe(err)}`),
      );
      // Processed under the credential that just uploaded it; a resumed batch reads it again.
      this.start(claims, meta, key, false);
    } catch (err) {
      if (onFailure === 'remove') await this.unlinkQuietly(tempPath);
      if (metaPath) await this.unlinkQuietly(metaPath);
      this.logger.warn(`upload into account ${key.accountId} refused: ${describe(err)}`);
      throw err;
    }
  }

  private start(claims: string, meta: ClaimMeta, key: AuthenticatedCredential | null, resumed: boolean): void {
    this.active.add(meta.claimId);
    const job: Promise<void> = this.process(claims, meta, key, resumed)
      .then(
        (result) => {
          try {
            this.deps.onProcessed?.(result);
          } catch (err) {
            this.logger.error(`onProcessed failed: ${describe(err)}`);
          }
        },
        (err: unknown) => {
          const what = `batch ${meta.claimId} of account ${meta.accountId}`;
          if (err instanceof Stopping) this.logger.log(`${what}: ${err.message}`);
          else this.logger.error(`${what} stays claimed for a later run: ${describe(err)}`);
        },
      )
      .finally(() => {
        this.active.delete(meta.claimId);
        this.inFlight.delete(job);
      });
    this.inFlight.add(job);
  }

  /** Processes one claimed batch from its first row; `key` null: read the uploader's credential again. */
  private async process(
    claims: string,
    meta: ClaimMeta,
    key: AuthenticatedCredential | null,
    resumed: boolean,
  ): Promise<BatchFileResult> {
    const data = this.dataPath(claims, meta.claimId);
    const reportTemp = path.join(claims, `${meta.claimId}.${this.owner}.report`);
    let lost = false;
    const heartbeat = setInterval(
      () =>
        void this.touch(data).catch((err: unknown) => {
          if (isCode(err, 'ENOENT')) lost = true;
        }),
      Math.max(50, this.leaseMs / 4),
    );
    heartbeat.unref();
    try {
      await this.touch(data);
      const principal = key ?? (await this.deps.principals.currentPrincipal(meta.credentialId));
      const request = new ChannelRequest(
        this.deps.requestLog,
        principal ?? this.principalOf(meta),
        'file.batch',
        meta.peer,
      );
      const tally: Tally = { rows: 0, accepted: 0, refused: 0, rejected: false };
      const lines = this.reportLines(data, meta.claimId, principal, resumed, tally, () => lost);
      await pipeline(
        Readable.from(lines),
        stringify({ header: true, columns: [...REPORT_COLUMNS], record_delimiter: 'windows' }),
        this.fs.createWriteStream(reportTemp, { flags: 'w', mode: 0o600 }),
      );
      await this.syncFile(reportTemp);
      if (lost) throw new LostClaim();
      const stem = await this.publish(claims, meta, data, reportTemp);
      const status =
        tally.rejected || (tally.rows > 0 && tally.accepted === 0) ? '422' : tally.refused > 0 ? '207' : '200';
      request.finish(status, status === '422' ? 'rejected' : 'ok');
      this.logger.log(
        `batch ${meta.claimId} of account ${meta.accountId}: ${tally.rows} rows, ${tally.accepted} accepted, ${tally.refused} refused`,
      );
      return {
        file: `/processed/${stem}`,
        rows: tally.rows,
        accepted: tally.accepted,
        refused: tally.refused,
        report: `/reports/${stem}.report.csv`,
      };
    } catch (err) {
      await this.unlinkQuietly(reportTemp);
      throw err;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * The report's lines, produced as the file is read: rows go to `submitBatch` a chunk at a time,
   * and the parser is only read further when the report writer wants more (bounded memory).
   */
  private async *reportLines(
    data: string,
    claimId: string,
    principal: AuthenticatedCredential | null,
    resumed: boolean,
    tally: Tally,
    lost: () => boolean,
  ): AsyncGenerator<ReportLine> {
    const parser = parse({
      bom: true,
      relax_column_count: true, // a short or long row is that row's error, not the file's
      relax_quotes: true, // a bare `"` inside an unquoted field is a character
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
    });
    // Read errors reach the loop below through the parser, which the pipeline destroys with them.
    pipeline(this.fs.createReadStream(data), parser).catch(() => undefined);
    const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
    let row = 0;
    // Chunks submitted and not yet reported, oldest first: the report keeps row order.
    const submitted: Promise<ReportLine[]>[] = [];
    try {
      const first = await this.nextRecord(records);
      if (first.error !== undefined || first.record === null) {
        tally.rejected = true;
        const why = first.error ?? `bad_header: the file is empty; ${HEADER_HINT}`;
        yield { row: 0, status: 'refused', submission_id: '', error: why };
        return;
      }
      const columns = headerColumns(first.record);
      if (typeof columns === 'string') {
        tally.rejected = true;
        yield { row: 0, status: 'refused', submission_id: '', error: columns };
        return;
      }
      let chunk: Pending[] = [];
      for (;;) {
        const next = await this.nextRecord(records);
        if (next.error !== undefined) {
          // The file's structure is lost from here (an unclosed quote, a huge record): the rows
          // read so far count, and this one says where and why reading stopped.
          row++;
          chunk.push({ row, id: null, error: next.error });
        } else if (next.record !== null) {
          row++;
          chunk.push(pendingRow(claimId, row, next.record, columns));
        }
        const done = next.error !== undefined || next.record === null;
        if (chunk.length >= this.chunkRows || (done && chunk.length > 0)) {
          if (this.stopping) throw new Stopping();
          if (lost()) throw new LostClaim();
          const answer = this.chunkSlots.run(() => this.submitChunk(chunk, principal, resumed, tally));
          answer.catch(() => undefined); // awaited below, in order; a failure must not go unhandled meanwhile
          submitted.push(answer);
          chunk = [];
        }
        while (submitted.length >= this.chunkDepth || (done && submitted.length > 0)) yield* await submitted.shift()!;
        if (done) return;
      }
    } finally {
      parser.destroy();
      // Nothing of this batch may still be writing once it is reported finished or failed.
      await Promise.allSettled(submitted);
    }
  }

  private async nextRecord(
    records: AsyncIterator<string[]>,
  ): Promise<{ record: string[] | null; error?: undefined } | { record: null; error: string }> {
    try {
      const next = await records.next();
      return { record: next.done ? null : next.value };
    } catch (err) {
      // Only the code: csv-parse's messages quote the file's contents.
      if (err instanceof CsvError) return { record: null, error: `invalid_csv: ${err.code}` };
      throw err;
    }
  }

  private async submitChunk(
    chunk: Pending[],
    principal: AuthenticatedCredential | null,
    resumed: boolean,
    tally: Tally,
  ): Promise<ReportLine[]> {
    const submittable = chunk.filter((p): p is Extract<Pending, { request: SubmissionRequest }> => p.id !== null);
    const results = new Map<number, BatchRowResult>();
    if (principal) {
      const answers = await this.deps.submissions.submitBatch(
        principal,
        submittable.map((p) => p.request),
      );
      submittable.forEach((p, i) => results.set(p.row, answers[i]));
    } else {
      const error = new DomainError(
        'unauthenticated',
        'credential_unavailable',
        'the credential that uploaded this file is blocked, expired or deleted, or its account is suspended',
      );
      for (const p of submittable) results.set(p.row, { ok: false, error });
    }
    // A resumed batch: a row stored by the crashed run is accepted even if it would be refused now.
    const storedBefore = new Set<string>();
    if (resumed) {
      const refusedIds = submittable.filter((p) => results.get(p.row)?.ok === false).map((p) => p.id);
      if (refusedIds.length > 0) for (const id of await this.deps.stored.existingIds(refusedIds)) storedBefore.add(id);
    }
    return chunk.map((p): ReportLine => {
      tally.rows++;
      if (p.id === null) {
        tally.refused++;
        return { row: p.row, status: 'refused', submission_id: '', error: p.error };
      }
      const result = results.get(p.row)!;
      if (result.ok || storedBefore.has(p.id)) {
        tally.accepted++;
        return { row: p.row, status: 'accepted', submission_id: result.ok ? result.submission.id : p.id, error: '' };
      }
      tally.refused++;
      return {
        row: p.row,
        status: 'refused',
        submission_id: '',
        error: `${result.error.code}: ${result.error.message}`,
      };
    });
  }

  /**
   * Makes the batch done, in an order where a crash or a full disk at any step leaves it claimed
   * (and processed again) rather than looking finished: batch linked into /processed/, report
   * renamed into /reports/, claim removed. Returns the name used in both.
   */
  private async publish(claims: string, meta: ClaimMeta, data: string, reportTemp: string): Promise<string> {
    const root = this.deps.trees.rootOf(meta.accountId);
    const processedDir = path.join(root, 'processed');
    const reportsDir = path.join(root, 'reports');
    const claimed = await this.fs.lstat(data).catch((err: unknown) => {
      throw isCode(err, 'ENOENT') ? new LostClaim() : err;
    });
    let stem = meta.stem;
    for (let attempt = 0; ; attempt++) {
      if (stem === null) {
        stem = await this.freeStem(meta.name, processedDir, reportsDir);
        // Remembered, so a crash after the report is published reuses its name, not a second one.
        await this.writeMeta(claims, { ...meta, stem });
      }
      const linked = await this.linkNoClobber(data, path.join(processedDir, stem), claimed.ino);
      if (linked) break;
      if (attempt >= 10) throw new Error('no free name in /processed/');
      stem = null; // taken meanwhile (a client renamed a file to it): another name
    }
    await this.syncDir(processedDir);
    await this.fs.rename(reportTemp, path.join(reportsDir, `${stem}.report.csv`));
    await this.syncDir(reportsDir);
    await this.fs.unlink(data);
    await this.unlinkQuietly(path.join(claims, `${meta.claimId}.json`));
    await this.syncDir(claims);
    return stem;
  }

  /** The first of `name`, `name-2`, `name-3`… free both in /processed/ and as a report in /reports/. */
  private async freeStem(name: string, processedDir: string, reportsDir: string): Promise<string> {
    for (let n = 1; n <= MAX_STEM_SUFFIX; n++) {
      const stem = n === 1 ? name : withSuffix(name, n);
      const taken =
        (await this.exists(path.join(processedDir, stem))) ||
        (await this.exists(path.join(reportsDir, `${stem}.report.csv`)));
      if (!taken) return stem;
    }
    throw new Error('no free name in /processed/');
  }

  /**
   * A hard link never replaces an existing name. True when `to` is now the claimed file (made
   * here, or by an earlier run of this claim); false when another file holds the name.
   */
  private async linkNoClobber(from: string, to: string, ino: number): Promise<boolean> {
    try {
      await this.fs.link(from, to);
      return true;
    } catch (err) {
      if (isCode(err, 'EEXIST')) return (await this.fs.lstat(to)).ino === ino;
      throw err;
    }
  }

  /**
   * Cleans up after dead processes and resumes their batches: uploads abandoned for
   * `uploadStaleMs`, and claims whose lease ran out. At start (`initial`) on a sole node every
   * leftover is dead already.
   */
  async recover(initial = false): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = this.sweep(initial)
      .catch((err: unknown) => this.logger.error(`sweeping batch claims failed: ${describe(err)}`))
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }

  private async sweep(initial: boolean): Promise<void> {
    const workRoot = path.join(this.deps.trees.root, WORK_DIR);
    let accounts: string[];
    try {
      accounts = await this.fs.readdir(workRoot);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return;
      throw err;
    }
    const everythingDead = initial && this.deps.soleNode;
    for (const accountId of accounts.filter(isId)) {
      if (this.stopping) return;
      const { uploads, claims } = this.deps.trees.ensureWork(accountId);
      for (const entry of await this.fs.readdir(uploads)) {
        const match = UPLOAD.exec(entry);
        if (!match) continue;
        const file = path.join(uploads, entry);
        if (everythingDead || (await this.olderThan(file, this.uploadStaleMs))) await this.unlinkQuietly(file);
      }
      await this.sweepClaims(claims, everythingDead);
    }
  }

  private async sweepClaims(claims: string, everythingDead: boolean): Promise<void> {
    const entries = await this.fs.readdir(claims);
    const withData = new Set<string>();
    const owned = new Set<string>();
    for (const entry of entries) {
      const data = CLAIM_DATA.exec(entry);
      if (!data) continue;
      const claimId = data[1];
      withData.add(claimId);
      owned.add(`${claimId}.${data[2]}`);
      if (this.active.has(claimId) || this.stopping) continue;
      const file = path.join(claims, entry);
      // Our own claims too: one that failed here is retried once its lease has run out.
      if (!everythingDead && !(await this.olderThan(file, this.leaseMs))) continue;
      // Touch, then rename: the new name carries a fresh lease the moment it exists, so a second
      // taker sees a live claim; of two takers racing for the old name, one rename wins.
      const mine = this.dataPath(claims, claimId);
      try {
        await this.touch(file);
        if (file !== mine) await this.fs.rename(file, mine);
      } catch (err) {
        if (isCode(err, 'ENOENT')) continue;
        throw err;
      }
      const meta = await this.readMeta(claims, claimId);
      if (!meta) {
        this.logger.error(`batch ${claimId} has no readable sidecar; left in ${claims}`);
        continue;
      }
      this.logger.log(`resuming batch ${claimId} of account ${meta.accountId}`);
      this.start(claims, meta, null, true);
    }
    for (const entry of entries) {
      const file = path.join(claims, entry);
      const meta = CLAIM_META.exec(entry);
      const report = CLAIM_REPORT.exec(entry);
      const orphanMeta = meta && !withData.has(meta[1]) && !this.active.has(meta[1]);
      // A report being written belongs to its claim's current owner; any other is left over.
      const deadReport =
        report && (report[2] === this.owner ? !this.active.has(report[1]) : !owned.has(`${report[1]}.${report[2]}`));
      if (orphanMeta || deadReport || CLAIM_META_TEMP.test(entry)) {
        // Fresh ones may belong to a claim being made or taken over right now: only old ones go.
        if (everythingDead || (await this.olderThan(file, this.leaseMs))) await this.unlinkQuietly(file);
      }
    }
  }

  private dataPath(claims: string, claimId: string): string {
    return path.join(claims, `${claimId}.${this.owner}.data`);
  }

  /** A credential's identity for the request-log row of a batch whose credential is gone. */
  private principalOf(meta: ClaimMeta): AuthenticatedCredential {
    return {
      credentialId: meta.credentialId,
      accountId: meta.accountId,
      tenantId: meta.tenantId,
      channel: meta.channel,
      username: meta.username,
      offTheRecord: meta.offTheRecord,
      scope: 'groups',
      groups: [],
      postbackUrl: null,
      rateLimit: null,
    };
  }

  /** Written under a temporary name and renamed: a sidecar is whole or absent. Returns its path. */
  private async writeMeta(claims: string, meta: ClaimMeta): Promise<string> {
    const target = path.join(claims, `${meta.claimId}.json`);
    const temp = path.join(claims, `${meta.claimId}.${newId()}.json.tmp`);
    try {
      const handle = await this.fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(meta));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.fs.rename(temp, target);
      return target;
    } catch (err) {
      await this.unlinkQuietly(temp);
      throw err;
    }
  }

  private async readMeta(claims: string, claimId: string): Promise<ClaimMeta | null> {
    try {
      const meta = JSON.parse(await this.fs.readFile(path.join(claims, `${claimId}.json`), 'utf8')) as ClaimMeta;
      return meta.v === 1 && meta.claimId === claimId ? meta : null;
    } catch {
      return null;
    }
  }

  private async touch(file: string): Promise<void> {
    const now = new Date();
    await this.fs.utimes(file, now, now);
  }

  private async olderThan(file: string, ms: number): Promise<boolean> {
    try {
      return Date.now() - (await this.fs.lstat(file)).mtimeMs > ms;
    } catch {
      return false;
    }
  }

  private async exists(file: string): Promise<boolean> {
    try {
      await this.fs.lstat(file);
      return true;
    } catch (err) {
      if (isCode(err, 'ENOENT')) return false;
      throw err;
    }
  }

  private async syncFile(file: string): Promise<void> {
    const handle = await this.fs.open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Makes renames in a directory durable; file systems that cannot sync a directory are let be. */
  private async syncDir(dir: string): Promise<void> {
    try {
      const handle = await this.fs.open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].some((code) => isCode(err, code))) throw err;
    }
  }

  private async unlinkQuietly(file: string): Promise<void> {
    await this.fs.unlink(file).catch(() => undefined);
  }
}

/** At most `size` tasks at once; the others wait their turn, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/**
 * The header row: `to`, `body` and optionally `groups`, in any order, names compared
 * case-insensitively (ASCII) and trimmed. The column index of each, or why the header is refused.
 */
function headerColumns(record: string[]): { to: number; body: number; groups: number | null; count: number } | string {
  const names = record.map((n) => n.trim().replace(/[A-Z]/g, (c) => c.toLowerCase()));
  const unknown = names.filter((n) => n !== 'to' && n !== 'body' && n !== 'groups');
  if (unknown.length > 0) {
    return `bad_header: unknown column(s) ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}; ${HEADER_HINT}`;
  }
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) return `bad_header: column ${twice[0]} appears twice; ${HEADER_HINT}`;
  const missing = ['to', 'body'].filter((n) => !names.includes(n));
  if (missing.length > 0) return `bad_header: missing column(s) ${missing.join(', ')}; ${HEADER_HINT}`;
  const groups = names.indexOf('groups');
  return {
    to: names.indexOf('to'),
    body: names.indexOf('body'),
    groups: groups < 0 ? null : groups,
    count: names.length,
  };
}

/** One data row as a request (recipients and groups separated by `;`), or why it is refused. */
function pendingRow(
  claimId: string,
  row: number,
  record: string[],
  columns: { to: number; body: number; groups: number | null; count: number },
): Pending {
  if (record.length !== columns.count) {
    return {
      row,
      id: null,
      error: `invalid_row: ${record.length} field(s) where the header has ${columns.count}`,
    };
  }
  // The parser decodes bytes that are not UTF-8 to U+FFFD: such a row would be sent garbled.
  if (record.some((field) => field.includes('\uFFFD'))) {
    return { row, id: null, error: 'invalid_encoding: the row is not valid UTF-8' };
  }
  const list = (text: string) =>
    text
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  const id = batchRowId(claimId, row);
  return {
    row,
    id,
    request: {
      id,
      to: list(record[columns.to]),
      body: record[columns.body],
      groups: columns.groups === null ? [] : list(record[columns.groups]),
    },
  };
}

/** `batch.csv` → `batch-2.csv`; a name without an extension gets the suffix at its end. */
function withSuffix(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
}

/** An error for the log: its code and message, never a stack or a row's contents. */
function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
