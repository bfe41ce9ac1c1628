import { Injectable } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { LoginStats } from './login-stats';
import { RequestStats } from './request-stats';

/** One registry per application instance, so parallel test apps do not share counters. */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly requests = new RequestStats();
  readonly logins = new LoginStats();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
    this.requests.registerWith(this.registry);
    this.logins.registerWith(this.registry);
  }
}
