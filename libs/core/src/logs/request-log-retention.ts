import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { firstIdAt } from '../common/ids';
import { REQUEST_LOG_REPOSITORY, RequestLogRepository } from './request-log';

const DAY_MS = 86_400_000;
/** Rows per DELETE: short statements, so pruning a large backlog never holds the database for long. */
export const PRUNE_BATCH = 500;
const PRUNE_EVERY_MS = 60 * 60_000;
const FIRST_PRUNE_AFTER_MS = 30_000;

/**
 * Keeps the request log to GATEHOUSE_REQUEST_LOG_DAYS: soon after start, then hourly, rows
 * older than that are deleted in bounded batches. Every node may run it; batches just interleave.
 */
@Injectable()
export class RequestLogRetention implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RequestLogRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopping = false;

  constructor(
    @Inject(REQUEST_LOG_REPOSITORY) private readonly repo: RequestLogRepository,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  onModuleInit(): void {
    const run = (): void => {
      void this.prune().catch((err: unknown) => this.logger.error(`request log pruning failed: ${String(err)}`));
    };
    this.timer = setTimeout(() => {
      run();
      this.timer = setInterval(run, PRUNE_EVERY_MS);
      this.timer.unref();
    }, FIRST_PRUNE_AFTER_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deletes every row past retention, `batch` rows per statement; returns how many. */
  prune(now = new Date(), batch = PRUNE_BATCH): Promise<number> {
    this.running ??= this.pruneAll(new Date(now.getTime() - this.config.requestLogDays * DAY_MS), batch).finally(
      () => (this.running = null),
    );
    return this.running;
  }

  private async pruneAll(before: Date, batch: number): Promise<number> {
    let total = 0;
    const beforeId = firstIdAt(before);
    for (;;) {
      const deleted = await this.repo.deleteOlderThan(beforeId, batch);
      total += deleted;
      if (deleted < batch || this.stopping) break;
      // Let the listeners' work in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) this.logger.log(`request log: pruned ${total} rows older than ${before.toISOString()}`);
    return total;
  }
}
