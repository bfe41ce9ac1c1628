import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { BAN_METRICS, type BanMetrics, CHANGE_NOTIFIER, PEER_BAN_LIST, RATE_LIMITER } from '@gatehouse/core';
import { COORDINATION_STATUS, CoordinationStatus } from './coordination-status';
import { InMemoryPeerBanList } from './in-memory/in-memory-peer-ban-list';
import { InProcessChangeNotifier } from './in-memory/in-process-change-notifier';
import { InMemoryRateLimiter } from './in-memory/in-memory-rate-limiter';
import { RedisChangeNotifier } from './redis/redis-change-notifier';
import { RedisLink } from './redis/redis-link';
import { RedisPeerBanList } from './redis/redis-peer-ban-list';
import { RedisRateLimiter } from './redis/redis-rate-limiter';

const REDIS_LINK = Symbol('RedisLink');

/**
 * What the nodes of one deployment share, chosen by configuration: the brute-force ban list, the
 * per-credential rate counters and the change notifier (cache invalidation and "end the sessions of credential X", which the
 * session registry of every node consumes). With REDIS_URL, both go through Redis (shared scores,
 * mirrored bans, pub/sub); without it, they stay in this process, as one node or SQLite needs.
 * Core only knows the interfaces.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_LINK,
      inject: [GATEHOUSE_CONFIG],
      useFactory: async (config: GatehouseConfig): Promise<RedisLink | null> => {
        if (!config.redisUrl) return null;
        const link = new RedisLink(config.redisUrl, config.redisPrefix);
        // A node starts even while Redis is down: it goes on alone and joins when Redis is back.
        await link.connect();
        return link;
      },
    },
    {
      provide: PEER_BAN_LIST,
      inject: [GATEHOUSE_CONFIG, REDIS_LINK, { token: BAN_METRICS, optional: true }],
      useFactory: async (config: GatehouseConfig, link: RedisLink | null, metrics: BanMetrics | undefined) => {
        if (!link) return new InMemoryPeerBanList(config.ban, Date.now, metrics);
        const bans = new RedisPeerBanList(link, config.ban, Date.now, metrics);
        await bans.reload();
        return bans;
      },
    },
    {
      provide: CHANGE_NOTIFIER,
      inject: [REDIS_LINK],
      useFactory: (link: RedisLink | null) => (link ? new RedisChangeNotifier(link) : new InProcessChangeNotifier()),
    },
    {
      provide: RATE_LIMITER,
      inject: [REDIS_LINK],
      useFactory: (link: RedisLink | null) => (link ? new RedisRateLimiter(link) : new InMemoryRateLimiter()),
    },
    {
      provide: COORDINATION_STATUS,
      inject: [REDIS_LINK],
      useFactory: (link: RedisLink | null): CoordinationStatus => ({ redis: () => (link ? link.state() : 'off') }),
    },
  ],
  exports: [PEER_BAN_LIST, CHANGE_NOTIFIER, RATE_LIMITER, COORDINATION_STATUS],
})
export class CoordinationModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_LINK) private readonly link: RedisLink | null) {}

  /** After the listeners have stopped and the last changes were published. */
  async onApplicationShutdown(): Promise<void> {
    await this.link?.close();
  }
}
