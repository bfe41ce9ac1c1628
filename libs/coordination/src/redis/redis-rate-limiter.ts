import { Logger } from '@nestjs/common';
import { RateDecision, RateLimit, RateLimiter, slidingWindowDecision } from '@gatehouse/core';
import { InMemoryRateLimiter } from '../in-memory/in-memory-rate-limiter';
import type { RedisLink } from './redis-link';

/**
 * Counts in the current window's key and reads the previous one's, atomically; counts only a
 * request the sliding window lets through. Keys expire two windows after they start.
 * KEYS: current, previous. ARGV: requests, window ms, elapsed ms in the window.
 * Returns {allowed 1|0, previous count, current count (before this request)}.
 */
const TAKE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local window = tonumber(ARGV[2])
local weight = (window - tonumber(ARGV[3])) / window
if weight < 0 then weight = 0 end
if previous * weight + current + 1 <= tonumber(ARGV[1]) then
  redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return {1, previous, current}
end
return {0, previous, current}
`;

/**
 * Per-credential rate limits shared by every node: the sliding-window counts live in Redis, so
 * a client spreading its requests over nodes meets one limit. While Redis is away each node
 * counts on its own (the limit then holds per node).
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly logger = new Logger('RedisRateLimiter');
  private readonly local = new InMemoryRateLimiter();

  constructor(
    private readonly link: RedisLink,
    private readonly now: () => number = Date.now,
  ) {}

  async take(credentialId: string, limit: RateLimit): Promise<RateDecision> {
    if (this.link.state() !== 'ok') return this.local.take(credentialId, limit);
    const now = this.now();
    const windowMs = limit.perSeconds * 1000;
    const index = Math.floor(now / windowMs);
    const elapsed = now - index * windowMs;
    const key = (i: number) => `${this.link.prefix}rate:${credentialId}:${limit.requests}/${limit.perSeconds}:${i}`;
    try {
      const [allowed, previous, current] = (await this.link.commands.eval(
        TAKE,
        2,
        key(index),
        key(index - 1),
        String(limit.requests),
        String(windowMs),
        String(elapsed),
      )) as [number, number, number];
      if (allowed === 1) return { allowed: true };
      return slidingWindowDecision(limit, previous, current, elapsed);
    } catch (err) {
      this.logger.debug(`shared rate count failed, counted here: ${err instanceof Error ? err.message : String(err)}`);
      return this.local.take(credentialId, limit);
    }
  }
}
