import { BanMetrics, BanPolicy, BanState, PeerBanList } from '@gatehouse/core';

/** Single-process ban list. Memory is bounded: stale peers are swept as the map is touched. */
export class InMemoryPeerBanList implements PeerBanList {
  /** Per peer: failures in time order and their running score, so recording one is O(1) amortised. */
  private readonly failures = new Map<string, { events: { at: number; score: number }[]; total: number }>();
  private readonly bans = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly policy: BanPolicy,
    private readonly now: () => number = Date.now,
    /** Told of each ban this list sets. */
    private readonly metrics?: BanMetrics,
  ) {}

  check(peer: string): Promise<BanState> {
    return Promise.resolve(this.state(peer, this.now()));
  }

  recordFailure(peer: string, score: number): Promise<BanState> {
    const now = this.now();
    this.sweep(now);
    if (score <= 0) return Promise.resolve(this.state(peer, now));
    const since = now - this.policy.windowSeconds * 1000;
    let record = this.failures.get(peer);
    if (!record) this.failures.set(peer, (record = { events: [], total: 0 }));
    let expired = 0;
    while (expired < record.events.length && record.events[expired].at <= since) {
      record.total -= record.events[expired++].score;
    }
    if (expired > 0) record.events.splice(0, expired);
    record.events.push({ at: now, score });
    record.total += score;
    if (record.total >= this.policy.threshold) {
      // A ban renewed while it runs (failures in flight when it was set) is not a new one.
      if ((this.bans.get(peer) ?? 0) <= now) this.metrics?.banned(peer);
      this.bans.set(peer, now + this.policy.seconds * 1000);
      this.failures.delete(peer);
    }
    return Promise.resolve(this.state(peer, now));
  }

  private state(peer: string, now: number): BanState {
    const until = this.bans.get(peer);
    if (until === undefined) return { banned: false };
    if (until <= now) {
      this.bans.delete(peer);
      return { banned: false };
    }
    return { banned: true, retryAfterSeconds: Math.ceil((until - now) / 1000) };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const since = now - this.policy.windowSeconds * 1000;
    for (const [peer, record] of this.failures) {
      if ((record.events.at(-1)?.at ?? 0) <= since) this.failures.delete(peer);
    }
    for (const [peer, until] of this.bans) if (until <= now) this.bans.delete(peer);
  }
}
