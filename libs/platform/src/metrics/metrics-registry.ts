import { Inject, Injectable, Optional } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { COORDINATION_STATUS, type CoordinationStatus } from '@gatehouse/coordination';
import { CHANNELS, type Channel } from '@gatehouse/core';
import { BanStats, PostbackStats, SubmissionStats } from './activity-stats';
import { LoginStats } from './login-stats';
import { RequestStats } from './request-stats';
import { scrapeTimeMetric } from './scrape-time-metric';

/**
 * One registry per application instance, so parallel test apps do not share counters. Every
 * family is read at scrape time: counters are plain numbers the hot paths bump, gauges ask their
 * owner (see observe…).
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly requests = new RequestStats();
  readonly logins = new LoginStats();
  readonly bans = new BanStats();
  readonly submissions = new SubmissionStats();
  readonly postbacks = new PostbackStats();
  private sessions: (() => Map<Channel, number>) | null = null;
  private requestLogPending: (() => number) | null = null;

  constructor(@Optional() @Inject(COORDINATION_STATUS) coordination?: CoordinationStatus) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
    this.requests.registerWith(this.registry);
    this.logins.registerWith(this.registry);
    this.bans.registerWith(this.registry);
    this.submissions.registerWith(this.registry);
    this.postbacks.registerWith(this.registry);
    this.registry.registerMetric(
      scrapeTimeMetric('gatehouse_sessions', 'Logged-in FTP/SFTP and SMTP sessions open on this node', 'gauge', () => {
        if (!this.sessions) return [];
        const counts = this.sessions();
        return CHANNELS.map((channel) => ({ labels: { channel }, value: counts.get(channel) ?? 0 }));
      }),
    );
    this.registry.registerMetric(
      scrapeTimeMetric(
        'gatehouse_request_log_queue',
        'Request-log rows recorded but not yet written to the database',
        'gauge',
        () => (this.requestLogPending ? [{ labels: {}, value: this.requestLogPending() }] : []),
      ),
    );
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

  /** Where `gatehouse_sessions` reads the open sessions by channel (the session registry). */
  observeSessions(read: () => Map<Channel, number>): void {
    this.sessions = read;
  }

  /** Where `gatehouse_request_log_queue` reads the rows waiting to be written (the request log). */
  observeRequestLog(pending: () => number): void {
    this.requestLogPending = pending;
  }
}
