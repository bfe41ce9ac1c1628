import { Injectable } from '@nestjs/common';
import { RequestLogService, SessionRegistry } from '@gatehouse/core';
import { MetricsRegistry } from './metrics-registry';

/**
 * Points the gauges of `/metrics` at the core services they read: open sessions (the session
 * registry) and the request log's queue. Provided by the application module, which sees both the
 * platform and the core (the platform module cannot: the core needs it first).
 */
@Injectable()
export class CoreGauges {
  constructor(metrics: MetricsRegistry, sessions: SessionRegistry, requestLog: RequestLogService) {
    metrics.observeSessions(() => sessions.countByChannel());
    metrics.observeRequestLog(() => requestLog.pending());
  }
}
