import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from './credential.repository';

const FLUSH_INTERVAL_MS = 5_000;
/**
 * Most credentials waiting for their write. Past it (the database down for long, many keys in
 * use), uses of further credentials are dropped and counted: the next use after the outage
 * sets their `lastUsedAt` anyway.
 */
export const MAX_PENDING_USES = 100_000;
/** Database errors can quote the statement; a warning needs the cause, not the id list. */
const MAX_ERROR_CHARS = 200;

/**
 * `lastUsedAt` at minute-ish precision without a write per login: the authenticator reports a
 * credential at most once a minute, and the uses are written together every few seconds.
 */
@Injectable()
export class CredentialUsageRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CredentialUsageRecorder.name);
  /**
   * Credential id → when its write was first tried (undefined until a flush takes it). A failed
   * write keeps that time, so a retry after an outage does not date the use to the recovery.
   */
  private readonly pending = new Map<string, Date | undefined>();
  private dropped = 0;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(CREDENTIAL_REPOSITORY) private readonly repo: CredentialRepository) {}

  onModuleInit(): void {
    // flush() reports its own failures and never rejects.
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  used(credentialId: string): void {
    if (!this.pending.has(credentialId) && this.pending.size >= MAX_PENDING_USES) {
      this.dropped++;
      return;
    }
    // A newer use than the one a failed write holds: stamped by the next flush.
    this.pending.set(credentialId, undefined);
  }

  /** Writes every pending use; on a database error logs it and keeps them for the next flush. */
  async flush(): Promise<void> {
    // One at a time: the shutdown flush must not write what the timer's flush is writing.
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async write(): Promise<void> {
    const now = new Date();
    const byTime = new Map<number, string[]>();
    for (const [id, tried] of this.pending) {
      const at = tried ?? now;
      if (!tried) this.pending.set(id, now);
      const ids = byTime.get(at.getTime());
      if (ids) ids.push(id);
      else byTime.set(at.getTime(), [id]);
    }
    // Oldest first; one write per failed flush of an outage, and one for the new uses.
    for (const [time, ids] of [...byTime].sort(([a], [b]) => a - b)) {
      try {
        await this.repo.touchLastUsed(ids, new Date(time));
      } catch (err) {
        // The rest stay pending too: no point hammering a database that just failed.
        this.logger.warn(
          `credential usage write failed (${errorText(err)}); ` +
            `${this.pending.size} credentials kept for the next flush${this.droppedNote()}`,
        );
        return;
      }
      // Unless used again meanwhile (set back to undefined), the write covered it.
      for (const id of ids) if (this.pending.get(id)?.getTime() === time) this.pending.delete(id);
    }
    if (this.dropped > 0) this.logger.warn(`credential usage written${this.droppedNote()}`);
  }

  /** Says how many uses were dropped since the last warning, and starts counting again. */
  private droppedNote(): string {
    if (this.dropped === 0) return '';
    const note = `; ${this.dropped} uses dropped while ${MAX_PENDING_USES} credentials were pending`;
    this.dropped = 0;
    return note;
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
