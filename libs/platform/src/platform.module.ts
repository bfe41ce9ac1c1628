import { Global, Module } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { BAN_METRICS, LOGIN_METRICS, PEPPER, SUBMISSION_METRICS } from '@gatehouse/core';
import { PinoLoggerService, createPino } from './logging';
import { MetricsRegistry } from './metrics/metrics-registry';
import { PeerAddressResolver } from './network/peer-address';
import { resolvePepper } from './secrets/pepper';

/** Process plumbing every listener shares: logging, pepper, peer addresses, metrics. */
@Global()
@Module({
  providers: [
    { provide: PEPPER, inject: [GATEHOUSE_CONFIG], useFactory: (config: GatehouseConfig) => resolvePepper(config) },
    {
      provide: PeerAddressResolver,
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => new PeerAddressResolver(config.http.trustedProxies),
    },
    MetricsRegistry,
    { provide: LOGIN_METRICS, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => metrics.logins },
    { provide: BAN_METRICS, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => metrics.bans },
    {
      provide: SUBMISSION_METRICS,
      inject: [MetricsRegistry],
      useFactory: (metrics: MetricsRegistry) => metrics.submissions,
    },
    {
      provide: PinoLoggerService,
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => new PinoLoggerService(createPino(config)),
    },
  ],
  exports: [
    PEPPER,
    PeerAddressResolver,
    MetricsRegistry,
    LOGIN_METRICS,
    BAN_METRICS,
    SUBMISSION_METRICS,
    PinoLoggerService,
  ],
})
export class PlatformModule {}
