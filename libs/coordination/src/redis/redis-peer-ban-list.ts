import { Logger } from '@nestjs/common';
import type { BanMetrics, BanPolicy, BanState, PeerBanList } from '@gatehouse/core';
import { InMemoryPeerBanList } from '../in-memory/in-memory-peer-ban-list';
import type { RedisLink } from './redis-link';

/**
 * Records one failure in the subject's sliding window (a sorted set of `<ms>:<score>:<n>` members,
 * scored by time) and bans when the window's total reaches the threshold: the ban is a key with
 * the ban's TTL, the window is dropped. Every key expires, so nothing grows for ever.
 * KEYS: window, ban. ARGV: now ms, score, window ms, threshold, ban ms, unique suffix.
 * Returns the ban's remaining ms when this failure set it, minus that when the subject was banned
 * already, or 0.
 */
const RECORD_FAILURE = `
local banned = redis.call('PTTL', KEYS[2])
if banned > 0 then return -banned end
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
redis.call('ZADD', KEYS[1], now, ARGV[1] .. ':' .. ARGV[2] .. ':' .. ARGV[6])
local total = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  total = total + tonumber(string.match(member, '^%d+:(%d+):'))
end
if total >= tonumber(ARGV[4]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[5])
  redis.call('DEL', KEYS[1])
  return tonumber(ARGV[5])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
`;

/**
 * The brute-force ban list shared by every node (DESIGN.md §5): failure scores are kept in Redis,
 * so failures spread over nodes add up; a ban set anywhere is published and mirrored by every
 * node, so checking a peer — done on every login — costs no round trip. While Redis is away,
 * this node scores and bans on its own (an in-memory list), and when it is back the bans held in
 * Redis are read again (those published meanwhile were missed).
 */
export class RedisPeerBanList implements PeerBanList {
  private readonly logger = new Logger('RedisPeerBanList');
  /** Bans set by any node, by subject: until when (ms). */
  private readonly mirrored = new Map<string, number>();
  private readonly local: InMemoryPeerBanList;
  private counter = 0;
  private lastSweep = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly policy: BanPolicy,
    private readonly now: () => number = Date.now,
    /** Told of each ban this node sets (in Redis, or on its own while Redis is away). */
    private readonly metrics?: BanMetrics,
  ) {
    this.local = new InMemoryPeerBanList(policy, now, metrics);
    link.onMessage((message) => {
      if (message.kind === 'ban') this.mirror(message.subject, message.until);
    });
    link.onResync(() => void this.reload());
  }

  async check(subject: string): Promise<BanState> {
    const now = this.now();
    const until = this.mirrored.get(subject);
    if (until !== undefined) {
      if (until > now) return { banned: true, retryAfterSeconds: Math.ceil((until - now) / 1000) };
      this.mirrored.delete(subject);
    }
    return this.local.check(subject);
  }

  async recordFailure(subject: string, score: number): Promise<BanState> {
    if (score <= 0) return this.check(subject);
    if (this.link.state() === 'ok') {
      try {
        const now = this.now();
        const remaining = (await this.link.commands.eval(
          RECORD_FAILURE,
          2,
          this.key('fail', subject),
          this.key('ban', subject),
          String(now),
          String(score),
          String(this.policy.windowSeconds * 1000),
          String(this.policy.threshold),
          String(this.policy.seconds * 1000),
          `${this.link.nodeId}${++this.counter}`,
        )) as number;
        if (remaining !== 0) {
          const until = now + Math.abs(remaining);
          this.mirror(subject, until);
          if (remaining > 0) this.metrics?.banned(subject);
          await this.link.publish({ kind: 'ban', subject, until });
        }
        return this.check(subject);
      } catch (err) {
        this.logger.debug(
          `shared ban score not recorded, scored here: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    return this.local.recordFailure(subject, score);
  }

  /** Reads every ban held in Redis (at start, and after an outage). */
  async reload(): Promise<void> {
    if (this.link.state() !== 'ok') return;
    try {
      const now = this.now();
      const pattern = `${this.link.prefix}ban:*`;
      let cursor = '0';
      do {
        const [next, keys] = await this.link.commands.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const pipeline = this.link.commands.pipeline();
        for (const key of keys) pipeline.pttl(key);
        const ttls = (await pipeline.exec()) ?? [];
        keys.forEach((key, i) => {
          const ttl = Number(ttls[i]?.[1]);
          if (ttl > 0) this.mirror(key.slice(`${this.link.prefix}ban:`.length), now + ttl);
        });
      } while (cursor !== '0');
    } catch (err) {
      this.logger.warn(`could not read the shared bans: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private mirror(subject: string, until: number): void {
    this.sweep();
    const known = this.mirrored.get(subject) ?? 0;
    if (until > known) this.mirrored.set(subject, until);
  }

  /** Expired mirrored bans are dropped now and then, so the map holds only live ones. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [subject, until] of this.mirrored) if (until <= now) this.mirrored.delete(subject);
  }

  private key(kind: 'fail' | 'ban', subject: string): string {
    return `${this.link.prefix}${kind}:${subject}`;
  }
}
