import type { Registry } from 'prom-client';
import { scrapeTimeMetric } from './scrape-time-metric';

/** Upper bounds (seconds) of the request-duration histogram. */
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

interface RouteStats {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  buckets: number[];
  sum: number;
  count: number;
  statuses: Map<number, number>;
}

/**
 * HTTP request counts and durations by API, kept as plain numbers and turned into Prometheus
 * series only when `/metrics` is scraped. prom-client's own Counter and Histogram validate and
 * hash their labels on every update: about 8 µs per request, as much as a whole REST read of
 * Fastify itself. Scrapes are rare; requests are not.
 */
export class RequestStats {
  private readonly routes = new Map<string, RouteStats>();

  record(route: string, status: number, seconds: number): void {
    let stats = this.routes.get(route);
    if (!stats) {
      stats = {
        buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
        statuses: new Map(),
      };
      this.routes.set(route, stats);
    }
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]) bucket++;
    stats.buckets[bucket]++;
    stats.sum += seconds;
    stats.count++;
    stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
  }

  /** Adds the two series to a registry, read from these numbers at each scrape. */
  registerWith(registry: Registry): void {
    registry.registerMetric(
      scrapeTimeMetric('gatehouse_http_requests_total', 'HTTP requests by API and status', 'counter', () =>
        [...this.routes].flatMap(([route, s]) =>
          [...s.statuses].map(([status, value]) => ({ labels: { route, status: String(status) }, value })),
        ),
      ),
    );
    registry.registerMetric(
      scrapeTimeMetric('gatehouse_http_request_duration_seconds', 'HTTP request duration by API', 'histogram', () =>
        [...this.routes].flatMap(([route, s]) => {
          let cumulative = 0;
          const name = 'gatehouse_http_request_duration_seconds';
          const buckets = [...DURATION_BUCKETS, '+Inf' as const].map((le, i) => {
            cumulative += s.buckets[i];
            return { labels: { route, le }, value: cumulative, metricName: `${name}_bucket` };
          });
          return [
            ...buckets,
            { labels: { route }, value: s.sum, metricName: `${name}_sum` },
            { labels: { route }, value: s.count, metricName: `${name}_count` },
          ];
        }),
      ),
    );
  }
}
