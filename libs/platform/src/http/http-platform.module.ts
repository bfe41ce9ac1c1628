import { Global, Module } from '@nestjs/common';
import { ErrorDialects } from './error-dialects';
import { HealthController } from './health.controller';
import { MetricsController, MetricsTokenGuard } from './metrics.controller';

/** The HTTP listener's shared pieces: `/health`, `/metrics`, and the registry of error dialects. */
@Global()
@Module({
  controllers: [HealthController, MetricsController],
  providers: [ErrorDialects, MetricsTokenGuard],
  exports: [ErrorDialects],
})
export class HttpPlatformModule {}
