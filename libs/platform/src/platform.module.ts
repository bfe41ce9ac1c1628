import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { PEPPER } from '@gatehouse/core';
import { PeerAddressResolver } from './http/peer-address';
import { loggerParams } from './logging';
import { HealthController } from './ops/health.controller';
import { HttpMetricsMiddleware } from './ops/http-metrics.middleware';
import { MetricsController, MetricsRegistry } from './ops/metrics';
import { resolvePepper } from './secrets/pepper';

/** Process plumbing every listener shares: logging, pepper, peer addresses, health, metrics. */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => loggerParams(config),
    }),
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: PEPPER, inject: [GATEHOUSE_CONFIG], useFactory: (config: GatehouseConfig) => resolvePepper(config) },
    {
      provide: PeerAddressResolver,
      inject: [GATEHOUSE_CONFIG],
      useFactory: (config: GatehouseConfig) => new PeerAddressResolver(config.http.trustedProxies),
    },
    MetricsRegistry,
  ],
  exports: [PEPPER, PeerAddressResolver, MetricsRegistry],
})
export class PlatformModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
