/**
 * Group commit: writes that arrive while the event loop is busy share one transaction.
 *
 * Each `write` resolves only after the transaction holding it committed, so "accepted" still
 * means durable. A commit costs far more than the rows in it (SQLite appends every touched page
 * to its WAL, MySQL flushes its redo log), so under load N writers pay for one commit instead of N.
 * With a single writer, a batch is one row and the only cost is one turn of the event loop.
 */
export class GroupCommit<T> {
  private pending: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  /**
   * @param commit writes the items in one transaction, all or none.
   * @param detach runs a callback outside any caller's transaction context, so a batch never
   *               joins the transaction of whichever caller happened to schedule it.
   */
  constructor(
    private readonly commit: (items: T[]) => Promise<void>,
    private readonly detach: (fn: () => void) => void = (fn) => fn(),
    private readonly maxBatch = 200,
  ) {}

  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase: every request read in this loop turn joins the batch.
    this.detach(() => setImmediate(() => void this.flush()));
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    try {
      await this.commit(batch.map((w) => w.item));
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1) batch[0].reject(err);
      // One bad row must not fail its neighbours: retry each alone so every caller hears its own outcome.
      else for (const w of batch) await this.commit([w.item]).then(w.resolve, w.reject);
    } finally {
      this.scheduled = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}
