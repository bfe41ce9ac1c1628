import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Actor, scopeOf } from '../access/actor';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import { REQUEST_LOG_REPOSITORY, RequestLogEntry, RequestLogFilter, RequestLogRepository } from './request-log';

/**
 * How often queued rows are written. Every write rewrites the last page of each of the table's
 * B-trees: one commit a second instead of four writes a third of the pages per row under load.
 */
const FLUSH_INTERVAL_MS = 1000;
/** A banned subject's refusals within this long after its first one share one row. */
export const FOLD_WINDOW_MS = 60_000;
/** Open folds kept at most; past it, refusals of further banned subjects are counted as dropped. */
const MAX_OPEN_FOLDS = 100_000;

type NewEntry = Omit<RequestLogEntry, 'id' | 'at' | 'count'> & { at?: Date };

interface Fold {
  row: RequestLogEntry;
  until: number;
}
export const REQUEST_LOG_BATCH = 500;
/** Past this many queued rows (a database outage) the oldest are dropped rather than exhausting memory. */
export const REQUEST_LOG_MAX_QUEUE = 100_000;

/**
 * Request-log writer: `record` only queues, a timer writes batches, shutdown drains the queue.
 * Keeps logging off the hot path of every listener.
 */
@Injectable()
export class RequestLogService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RequestLogService.name);
  private queue: RequestLogEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** Rows of the batch being written now (out of the queue while in flight). */
  private writing = 0;
  private dropped = 0;
  /** Open folds by subject, and the counts of folded rows that grew after they were written. */
  private readonly folds = new Map<string, Fold>();
  private readonly unwritten = new Set<RequestLogEntry>();
  private countUpdates = new Map<string, number>();

  constructor(@Inject(REQUEST_LOG_REPOSITORY) private readonly repo: RequestLogRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  record(entry: NewEntry): void {
    this.enqueue(entry);
  }

  /**
   * A refusal of a banned subject (DESIGN.md §4): the first one writes a row, the rest within
   * FOLD_WINDOW_MS only raise its count. Nobody can grow the log by knocking while banned.
   */
  recordFolded(subject: string, entry: NewEntry): void {
    const now = Date.now();
    const open = this.folds.get(subject);
    if (open && open.until > now) {
      open.row.count++;
      if (!this.unwritten.has(open.row)) this.countUpdates.set(open.row.id, open.row.count);
      return;
    }
    if (this.folds.size >= MAX_OPEN_FOLDS) {
      for (const [key, fold] of this.folds) if (fold.until <= now) this.folds.delete(key);
      if (this.folds.size >= MAX_OPEN_FOLDS) {
        this.dropped++;
        return;
      }
    }
    const row = this.enqueue(entry);
    this.unwritten.add(row);
    this.folds.set(subject, { row, until: now + FOLD_WINDOW_MS });
  }

  private enqueue(entry: NewEntry): RequestLogEntry {
    if (this.queue.length >= REQUEST_LOG_MAX_QUEUE) {
      // Drop the oldest tenth in one go: shifting one row per record would cost O(queue) each time.
      const overflow = Math.ceil(REQUEST_LOG_MAX_QUEUE / 10);
      for (const row of this.queue.splice(0, overflow)) this.unwritten.delete(row);
      this.dropped += overflow;
    }
    // Spelled out rather than spread: this runs once per channel request.
    const at = entry.at ?? new Date();
    const row: RequestLogEntry = {
      id: newId(at), // an id of its own moment: retention prunes by id (see firstIdAt)
      at,
      channel: entry.channel,
      credentialId: entry.credentialId,
      accountId: entry.accountId,
      tenantId: entry.tenantId,
      username: entry.username?.slice(0, 64) ?? null,
      peer: entry.peer,
      operation: entry.operation,
      outcome: entry.outcome,
      status: entry.status,
      durationMs: entry.durationMs,
      count: 1,
    };
    this.queue.push(row);
    return row;
  }

  /** Writes everything queued so far (tests call it to read their own rows back). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0 && this.countUpdates.size === 0) return;
    this.flushing = this.drain().finally(() => (this.flushing = null));
    await this.flushing;
  }

  /** Rows recorded but not written yet, the batch being written included (a gauge in `/metrics`). */
  pending(): number {
    return this.queue.length + this.writing;
  }

  list(actor: Actor, filter: RequestLogFilter, page: PageRequest): Promise<Page<RequestLogEntry>> {
    return this.repo.list(scopeOf(actor), filter, page);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // Out of the queue while in flight, so an overflow meanwhile drops only rows not being written.
      const batch = this.queue.splice(0, REQUEST_LOG_BATCH);
      const counts = batch.map((row) => row.count);
      this.writing = batch.length;
      try {
        await this.repo.insertMany(batch);
      } catch (err) {
        this.queue = batch.concat(this.queue);
        this.logger.error(`request log write failed, ${this.queue.length} rows kept for retry: ${String(err)}`);
        return;
      } finally {
        this.writing = 0;
      }
      // Folded rows whose count grew while they were being written get it set afterwards.
      batch.forEach((row, i) => {
        if (this.unwritten.delete(row) && row.count !== counts[i]) this.countUpdates.set(row.id, row.count);
      });
    }
    if (this.countUpdates.size > 0) {
      const updates = this.countUpdates;
      this.countUpdates = new Map();
      try {
        await this.repo.updateCounts(updates);
      } catch (err) {
        for (const [id, count] of updates) if (!this.countUpdates.has(id)) this.countUpdates.set(id, count);
        this.logger.error(`request log count update failed, kept for retry: ${String(err)}`);
        return;
      }
    }
    const now = Date.now();
    for (const [subject, fold] of this.folds)
      if (fold.until <= now && !this.unwritten.has(fold.row)) this.folds.delete(subject);
    if (this.dropped > 0) {
      this.logger.warn(`request log queue overflowed; ${this.dropped} rows dropped`);
      this.dropped = 0;
    }
  }
}
