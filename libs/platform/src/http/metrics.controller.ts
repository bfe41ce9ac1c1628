import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, Controller, ExecutionContext, Get, Header, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { ApiError } from '../errors/api-error';
import { MetricsRegistry } from '../metrics/metrics-registry';

/** Open unless GATEHOUSE_METRICS_TOKEN is set; then `/metrics` wants that bearer token. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly tokenDigest: Buffer | null;

  constructor(@Inject(GATEHOUSE_CONFIG) config: GatehouseConfig) {
    this.tokenDigest = config.metricsToken ? sha256(config.metricsToken) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.tokenDigest) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
      .headers.authorization;
    const presented = /^Bearer (\S{1,512})$/i.exec(header ?? '')?.[1];
    // Digests of equal length, compared in constant time: nothing learnt from how long it took.
    if (presented && timingSafeEqual(sha256(presented), this.tokenDigest)) return true;
    throw new ApiError(401, 'unauthorized', 'metrics need the bearer token (GATEHOUSE_METRICS_TOKEN)', undefined, {
      'WWW-Authenticate': 'Bearer realm="gatehouse-metrics"',
    });
  }
}

/** Prometheus text format. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get('metrics')
  @UseGuards(MetricsTokenGuard)
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @Header('Cache-Control', 'no-store')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
