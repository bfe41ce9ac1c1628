export type BanState = { banned: false } | { banned: true; retryAfterSeconds: number };

/**
 * Brute-force defence shared by every listener: failed logins score per peer address; a peer
 * whose score within the window reaches the threshold is banned for the ban time.
 */
export interface PeerBanList {
  check(peer: string): Promise<BanState>;
  recordFailure(peer: string, score: number): Promise<BanState>;
}
export const PEER_BAN_LIST = Symbol('PeerBanList');

export interface BanPolicy {
  threshold: number;
  seconds: number;
  windowSeconds: number;
}

/** Single-process ban list. Memory is bounded: stale peers are swept as the map is touched. */
export class InMemoryPeerBanList implements PeerBanList {
  private readonly failures = new Map<string, { at: number; score: number }[]>();
  private readonly bans = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly policy: BanPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  check(peer: string): Promise<BanState> {
    return Promise.resolve(this.state(peer, this.now()));
  }

  recordFailure(peer: string, score: number): Promise<BanState> {
    const now = this.now();
    this.sweep(now);
    if (score <= 0) return Promise.resolve(this.state(peer, now));
    const since = now - this.policy.windowSeconds * 1000;
    const list = (this.failures.get(peer) ?? []).filter((f) => f.at > since);
    list.push({ at: now, score });
    const total = list.reduce((sum, f) => sum + f.score, 0);
    if (total >= this.policy.threshold) {
      this.bans.set(peer, now + this.policy.seconds * 1000);
      this.failures.delete(peer);
    } else {
      this.failures.set(peer, list);
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
    for (const [peer, list] of this.failures) if (!list.some((f) => f.at > since)) this.failures.delete(peer);
    for (const [peer, until] of this.bans) if (until <= now) this.bans.delete(peer);
  }
}
