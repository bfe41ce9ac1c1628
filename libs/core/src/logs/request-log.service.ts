import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Actor, scopeOf } from '../access/actor';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import { REQUEST_LOG_REPOSITORY, RequestLogEntry, RequestLogFilter, RequestLogRepository } from './request-log';

const FLUSH_INTERVAL_MS = 250;
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
  private dropped = 0;

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

  record(entry: Omit<RequestLogEntry, 'id' | 'at'> & { at?: Date }): void {
    if (this.queue.length >= REQUEST_LOG_MAX_QUEUE) {
      // Drop the oldest tenth in one go: shifting one row per record would cost O(queue) each time.
      const overflow = Math.ceil(REQUEST_LOG_MAX_QUEUE / 10);
      this.queue.splice(0, overflow);
      this.dropped += overflow;
    }
    // Spelled out rather than spread: this runs once per channel request.
    this.queue.push({
      id: newId(),
      at: entry.at ?? new Date(),
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
    });
  }

  /** Writes everything queued so far (tests call it to read their own rows back). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    this.flushing = this.drain().finally(() => (this.flushing = null));
    await this.flushing;
  }

  list(actor: Actor, filter: RequestLogFilter, page: PageRequest): Promise<Page<RequestLogEntry>> {
    return this.repo.list(scopeOf(actor), filter, page);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // Out of the queue while in flight, so an overflow meanwhile drops only rows not being written.
      const batch = this.queue.splice(0, REQUEST_LOG_BATCH);
      try {
        await this.repo.insertMany(batch);
      } catch (err) {
        this.queue = batch.concat(this.queue);
        this.logger.error(`request log write failed, ${this.queue.length} rows kept for retry: ${String(err)}`);
        return;
      }
    }
    if (this.dropped > 0) {
      this.logger.warn(`request log queue overflowed; ${this.dropped} rows dropped`);
      this.dropped = 0;
    }
  }
}
