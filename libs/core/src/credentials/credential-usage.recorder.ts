import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from './credential.repository';

const FLUSH_INTERVAL_MS = 5_000;
/** Ids per UPDATE: SQLite caps bound variables, and one huge statement would stall the loop. */
const IDS_PER_STATEMENT = 500;

/**
 * `lastUsedAt` at minute-ish precision without a write per login: the authenticator reports a
 * credential at most once a minute, and the uses are written together every few seconds.
 */
@Injectable()
export class CredentialUsageRecorder implements OnModuleInit, OnApplicationShutdown {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(CREDENTIAL_REPOSITORY) private readonly repo: CredentialRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  used(credentialId: string): void {
    this.pending.add(credentialId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    const at = new Date();
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      await this.repo.touchLastUsed(ids.slice(i, i + IDS_PER_STATEMENT), at);
    }
  }
}
