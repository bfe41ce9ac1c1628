import { RateDecision, RateLimit, RateLimiter, slidingWindowDecision } from '@gatehouse/core';

interface Windows {
  /** Start of the current window (ms), a multiple of its length. */
  start: number;
  current: number;
  previous: number;
  /** The limit the counts were kept for: a changed limit starts afresh. */
  limitKey: string;
  windowMs: number;
}

/** Rate limits of one process: per credential, two windows' counts. Bounded by the credentials in use. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Windows>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  take(credentialId: string, limit: RateLimit): Promise<RateDecision> {
    const now = this.now();
    this.sweep(now);
    const windowMs = limit.perSeconds * 1000;
    const start = now - (now % windowMs);
    const limitKey = `${limit.requests}/${limit.perSeconds}`;
    let w = this.windows.get(credentialId);
    if (!w || w.limitKey !== limitKey || start - w.start >= 2 * windowMs) {
      w = { start, current: 0, previous: 0, limitKey, windowMs };
      this.windows.set(credentialId, w);
    } else if (start !== w.start) {
      w.previous = w.current;
      w.current = 0;
      w.start = start;
    }
    const decision = slidingWindowDecision(limit, w.previous, w.current, now - start);
    if (decision.allowed) w.current++;
    return Promise.resolve(decision);
  }

  /** Drops credentials idle for two of their windows, now and then. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [id, w] of this.windows) {
      if (now - w.start >= 2 * w.windowMs) this.windows.delete(id);
    }
  }
}
