import { Global, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { CHANGE_NOTIFIER, PEER_BAN_LIST } from '@gatehouse/core';
import { InMemoryPeerBanList } from './in-memory/in-memory-peer-ban-list';
import { InProcessChangeNotifier } from './in-memory/in-process-change-notifier';

/**
 * What the nodes of one deployment share, chosen by configuration: the brute-force ban list and
 * the change notifier (cache invalidation and "end the sessions of credential X", which the
 * session registry of every node consumes). In-process today: a single node, or SQLite. The
 * Redis implementations of the operations issue plug in here when REDIS_URL is set; core only
 * knows the interfaces.
 */
@Global()
@Module({
  providers: [
    {
      provide: PEER_BAN_LIST,
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => new InMemoryPeerBanList(config.ban),
    },
    { provide: CHANGE_NOTIFIER, useClass: InProcessChangeNotifier },
  ],
  exports: [PEER_BAN_LIST, CHANGE_NOTIFIER],
})
export class CoordinationModule implements OnModuleInit {
  constructor(@Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig) {}

  onModuleInit(): void {
    if (this.config.redisUrl) {
      // Said at every start until the Redis implementations land: nothing is shared across nodes yet.
      new Logger('Coordination').warn(
        'REDIS_URL is set, but this build keeps bans, cache invalidation and session ends per process',
      );
    }
  }
}
