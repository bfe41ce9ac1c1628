import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CHANGE_NOTIFIER, ChangeEvent, ChangeNotifier } from '@gatehouse/core';
import { FsAccountTrees } from './account-trees';

/**
 * Deletes an account's files when the account is deleted. The change notifier reaches every node
 * (through Redis when coordinated), so each removes its copy; on a shared data dir the second
 * removal finds nothing, which is fine.
 */
@Injectable()
export class AccountTreeJanitor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AccountTreeJanitor.name);
  private unsubscribe?: () => void;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly trees: FsAccountTrees,
    @Inject(CHANGE_NOTIFIER) private readonly changes: ChangeNotifier,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changes.subscribe((event) => this.onChange(event));
  }

  /** Waits for removals under way, so a stopping process leaves no half-removed tree behind it. */
  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.pending]);
  }

  private onChange(event: ChangeEvent): void {
    if (event.type !== 'account.changed' || event.reason !== 'account_deleted') return;
    const removal = this.trees.remove(event.accountId).catch((err: unknown) => {
      // The account is gone either way; the files are left for an operator, said once here.
      this.logger.warn(
        `could not remove the files of deleted account ${event.accountId}: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    this.pending.add(removal);
    void removal.finally(() => this.pending.delete(removal));
  }

  /** Removals still under way (tests wait on this instead of sleeping). */
  settled(): Promise<void> {
    return Promise.allSettled([...this.pending]).then(() => undefined);
  }
}
