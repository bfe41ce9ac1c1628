import { Global, Module } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { PEPPER } from '@gatehouse/core';
import { PeerAddressResolver } from './http/peer-address';
import { ErrorDialects } from './errors/error-dialects';
import { PinoLoggerService, createPino } from './logging';
import { HealthController } from './ops/health.controller';
import { MetricsController, MetricsRegistry } from './ops/metrics';
import { resolvePepper } from './secrets/pepper';

/** Process plumbing every listener shares: logging, pepper, peer addresses, health, metrics. */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: PEPPER, inject: [GATEHOUSE_CONFIG], useFactory: (config: GatehouseConfig) => resolvePepper(config) },
    {
      provide: PeerAddressResolver,
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => new PeerAddressResolver(config.http.trustedProxies),
    },
    MetricsRegistry,
    ErrorDialects,
    {
      provide: PinoLoggerService,
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => new PinoLoggerService(createPino(config)),
    },
  ],
  exports: [PEPPER, PeerAddressResolver, MetricsRegistry, PinoLoggerService, ErrorDialects],
})
export class PlatformModule {}
