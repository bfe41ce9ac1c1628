import { Inject, Injectable, Optional } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { COORDINATION_STATUS, type CoordinationStatus } from '@gatehouse/coordination';
import { LoginStats } from './login-stats';
import { RequestStats } from './request-stats';
import { scrapeTimeMetric } from './scrape-time-metric';

/** One registry per application instance, so parallel test apps do not share counters. */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly requests = new RequestStats();
  readonly logins = new LoginStats();

  constructor(@Optional() @Inject(COORDINATION_STATUS) coordination?: CoordinationStatus) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
    this.requests.registerWith(this.registry);
    this.logins.registerWith(this.registry);
    this.registry.registerMetric(
      scrapeTimeMetric(
        'gatehouse_redis_up',
        '1 while Redis (REDIS_URL) is reachable, 0 while not; absent without it',
        'gauge',
        () => {
          const redis = coordination?.redis() ?? 'off';
          return redis === 'off' ? [] : [{ labels: {}, value: redis === 'ok' ? 1 : 0 }];
        },
      ),
    );
  }
}
